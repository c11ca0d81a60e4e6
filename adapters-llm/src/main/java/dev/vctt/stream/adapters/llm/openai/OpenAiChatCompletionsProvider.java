package dev.vctt.stream.adapters.llm.openai;

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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Streams from OpenAI's Chat Completions API, or from any server that speaks it (xAI, llama.cpp,
 * vLLM, Ollama), on {@link HttpClient}; each stream is pushed through {@link SseStreamCall}.
 */
public final class OpenAiChatCompletionsProvider implements LlmProvider, AutoCloseable {

    private final String name;
    private final ChatCompletionsDialect dialect;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final Map<String, String> extraHeaders;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final HttpClient client;
    // a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads
    private final ObjectMapper json = UpstreamHttp.json();
    private final ThreadFactory threads;

    public OpenAiChatCompletionsProvider(String name, ChatCompletionsDialect dialect, URI baseUrl,
                                         Optional<String> apiKey, ProviderTimeouts timeouts, SseLimits limits,
                                         StreamWatchdog watchdog) {
        this(name, dialect, baseUrl, apiKey, Map.of(), timeouts, limits, watchdog);
    }

    /** @param extraHeaders sent with every request (a gateway's header, {@code OpenAI-Organization}); not {@code Authorization} */
    public OpenAiChatCompletionsProvider(String name, ChatCompletionsDialect dialect, URI baseUrl,
                                         Optional<String> apiKey, Map<String, String> extraHeaders,
                                         ProviderTimeouts timeouts, SseLimits limits, StreamWatchdog watchdog) {
        this.name = name;
        this.extraHeaders = UpstreamHttp.extraHeaders(extraHeaders, "authorization");
        this.dialect = dialect;
        this.endpoint = UpstreamHttp.endpoint(baseUrl, "/chat/completions");
        this.apiKey = apiKey.filter(key -> !key.isBlank());
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
        this.client = UpstreamHttp.client(endpoint, timeouts);
        this.threads = Thread.ofVirtual().name(name + "-stream-", 0).factory();
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        HttpRequest.Builder http = UpstreamHttp.post(endpoint, body(request), extraHeaders);
        apiKey.ifPresent(key -> http.header("Authorization", "Bearer " + key));
        return SseStreamCall.start(client, http.build(), new ChatCompletionsMapper(json.getFactory(), dialect.reasoningOutsideCompletion()), listener, timeouts,
                limits, watchdog, threads);
    }

    byte[] body(CompletionRequest request) {
        return new ChatCompletionsBody(dialect.maxTokensField(), dialect.disableObfuscation()).write(json.getFactory(), request);
    }

    @Override
    public String toString() {
        return name + " (" + dialect.name() + ") at " + endpoint;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
