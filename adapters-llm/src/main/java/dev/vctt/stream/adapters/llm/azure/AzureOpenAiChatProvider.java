package dev.vctt.stream.adapters.llm.azure;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.SseStreamCall;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.sse.UpstreamHttp;
import dev.vctt.stream.adapters.llm.sse.chatcompletions.ChatCompletionsBody;
import dev.vctt.stream.adapters.llm.sse.chatcompletions.ChatCompletionsMapper;
import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamHandle;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.regex.Pattern;

/**
 * Streams from Azure OpenAI's Chat Completions on a deployment:
 * {@code POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…} with the
 * key in an {@code api-key} header (not {@code Authorization: Bearer}). The request's model id is
 * the deployment name: on Azure the deployment, not the body's {@code model}, picks the model.
 *
 * <p>The stream is Chat Completions, read by the shared mapper. Azure's differences, all of which
 * that mapper already takes in its stride: a first chunk with empty {@code choices}, no id and no
 * model that carries {@code prompt_filter_results}; {@code content_filter_results} on every choice
 * (and, with the asynchronous filter, annotation chunks with empty {@code choices}); text arriving
 * in filter-sized blocks rather than token by token (the default filter buffers); the finish reason
 * {@code content_filter} when the filter withholds the rest; usage in a last chunk with empty
 * {@code choices} when {@code stream_options.include_usage} is sent (API versions from 2024-09-01).
 * Error bodies are OpenAI's shape, {@code {"error":{"code":"429","message":…}}}, and 429s carry
 * {@code retry-after} and {@code retry-after-ms}.
 */
public final class AzureOpenAiChatProvider implements LlmProvider, AutoCloseable {

    /** The family's name in the configuration file. */
    public static final String FAMILY = "azure-openai";

    /** The GA data-plane version the transcripts follow; any later version may be configured. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";
    private static final Pattern API_VERSION = Pattern.compile("\\d{4}-\\d{2}-\\d{2}(-preview)?");
    private static final String KEY_HEADER = "api-key";

    private final String name;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final String apiVersion;
    private final Map<String, String> extraHeaders;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final HttpClient client;
    private final ObjectMapper json = UpstreamHttp.json();
    // OpenAI's own cap field: Azure's reasoning deployments refuse max_tokens, as OpenAI's do
    private final ChatCompletionsBody body = new ChatCompletionsBody("max_completion_tokens", false);
    private final ThreadFactory threads;

    /**
     * @param endpoint   the resource endpoint, {@code https://{resource}.openai.azure.com}
     * @param apiVersion the {@code api-version} query value, e.g. {@link #DEFAULT_API_VERSION}
     * @param extraHeaders sent with every request; {@code api-key} is the adapter's own
     */
    public AzureOpenAiChatProvider(String name, URI endpoint, Optional<String> apiKey, String apiVersion,
                                   Map<String, String> extraHeaders, ProviderTimeouts timeouts, SseLimits limits,
                                   StreamWatchdog watchdog) {
        this.name = Objects.requireNonNull(name, "name");
        this.endpoint = UpstreamHttp.endpoint(endpoint, "/openai/deployments/");
        this.apiKey = apiKey.filter(key -> !key.isBlank());
        if (apiVersion == null || !API_VERSION.matcher(apiVersion).matches()) {
            throw new IllegalArgumentException("an Azure api-version looks like 2024-10-21 or 2025-04-01-preview, not "
                    + apiVersion);
        }
        this.apiVersion = apiVersion;
        this.extraHeaders = UpstreamHttp.extraHeaders(extraHeaders, KEY_HEADER, "authorization");
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
        this.client = UpstreamHttp.client(this.endpoint, timeouts);
        this.threads = Thread.ofVirtual().name(name + "-stream-", 0).factory();
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        HttpRequest.Builder http = UpstreamHttp.post(deploymentUrl(request.model().value()),
                body.write(json.getFactory(), request), extraHeaders);
        apiKey.ifPresent(key -> http.header(KEY_HEADER, key));
        return SseStreamCall.start(client, http.build(), new ChatCompletionsMapper(json.getFactory(), false), listener,
                timeouts, limits, watchdog, threads);
    }

    /** The deployment's URL; the name is encoded, so no deployment name can reach another path. */
    URI deploymentUrl(String deployment) {
        String segment = URLEncoder.encode(deployment, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(endpoint + segment + "/chat/completions?api-version=" + apiVersion);
    }

    @Override
    public String toString() {
        return name + " (" + FAMILY + ", api-version " + apiVersion + ") at " + endpoint;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
