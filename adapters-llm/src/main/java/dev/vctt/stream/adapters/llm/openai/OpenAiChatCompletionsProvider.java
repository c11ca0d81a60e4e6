package dev.vctt.stream.adapters.llm.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.SseStreamCall;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.sse.UpstreamHttp;
import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.domain.request.ChatTurn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/**
 * Streams from OpenAI's Chat Completions API, or from any server that speaks it (xAI, llama.cpp,
 * vLLM, Ollama), on {@link HttpClient}; each stream runs on its own virtual thread.
 */
public final class OpenAiChatCompletionsProvider implements LlmProvider, AutoCloseable {

    private final String name;
    private final ChatCompletionsDialect dialect;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final HttpClient client;
    // a shared lock-free buffer pool: the default per-thread pool is wasted on short-lived virtual threads
    private final ObjectMapper json = UpstreamHttp.json();
    private final ThreadFactory threads;
    private final Map<String, String> headers;

    public OpenAiChatCompletionsProvider(String name, ChatCompletionsDialect dialect, URI baseUrl,
                                         Optional<String> apiKey, ProviderTimeouts timeouts, SseLimits limits,
                                         StreamWatchdog watchdog) {
        this(name, dialect, baseUrl, apiKey, timeouts, limits, watchdog, Map.of());
    }

    /** @param headers sent on every request besides the ones the format needs (e.g. an organisation id) */
    public OpenAiChatCompletionsProvider(String name, ChatCompletionsDialect dialect, URI baseUrl,
                                         Optional<String> apiKey, ProviderTimeouts timeouts, SseLimits limits,
                                         StreamWatchdog watchdog, Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
        this.name = name;
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
        HttpRequest.Builder http = HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
        headers.forEach(http::header);
        apiKey.ifPresent(key -> http.header("Authorization", "Bearer " + key));
        return SseStreamCall.start(client, http.build(), new ChatCompletionsMapper(json.getFactory(), dialect), listener, timeouts,
                limits, watchdog, threads);
    }

    byte[] body(CompletionRequest request) {
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model", request.model().value());
            out.writeArrayFieldStart("messages");
            for (ChatTurn turn : request.conversation()) {
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                out.writeStringField("content", turn.content());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeNumberField("temperature", request.temperature().value());
            if (request.maxOutputTokens().isPresent()) {
                out.writeNumberField(dialect.maxTokensField(), request.maxOutputTokens().getAsInt());
            }
            out.writeBooleanField("stream", true);
            out.writeObjectFieldStart("stream_options");
            out.writeBooleanField("include_usage", true);
            if (dialect.disableObfuscation()) {
                out.writeBooleanField("include_obfuscation", false);
            }
            out.writeEndObject();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
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
