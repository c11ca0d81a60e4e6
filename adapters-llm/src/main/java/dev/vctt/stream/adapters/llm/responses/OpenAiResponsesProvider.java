package dev.vctt.stream.adapters.llm.responses;

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
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * Streams from OpenAI's Responses API ({@code POST {base}/responses}, {@code Authorization: Bearer}),
 * whose stream is typed semantic events rather than Chat Completions chunks.
 *
 * <p>Request rules: system turns go to {@code instructions} (joined by blank lines), the other turns
 * to {@code input} as {@code {role, content}} messages; the output cap is {@code max_output_tokens};
 * {@code store: false}, because every request carries its whole conversation and nothing needs to
 * stay on OpenAI's side for a {@code previous_response_id}.
 */
public final class OpenAiResponsesProvider implements LlmProvider, AutoCloseable {

    /** The family's name in the configuration file. */
    public static final String FAMILY = "openai-responses";

    private final String name;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final Map<String, String> extraHeaders;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final HttpClient client;
    private final ObjectMapper json = UpstreamHttp.json();
    private final ThreadFactory threads;

    /**
     * @param baseUrl      e.g. {@code https://api.openai.com/v1}
     * @param extraHeaders sent with every request (e.g. {@code OpenAI-Organization}); {@code Authorization} is the adapter's own
     */
    public OpenAiResponsesProvider(String name, URI baseUrl, Optional<String> apiKey, Map<String, String> extraHeaders,
                                   ProviderTimeouts timeouts, SseLimits limits, StreamWatchdog watchdog) {
        this.name = Objects.requireNonNull(name, "name");
        this.endpoint = UpstreamHttp.endpoint(baseUrl, "/responses");
        this.apiKey = apiKey.filter(key -> !key.isBlank());
        this.extraHeaders = UpstreamHttp.extraHeaders(extraHeaders, "authorization");
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
        return SseStreamCall.start(client, http.build(), new ResponsesEventMapper(json), listener, timeouts, limits,
                watchdog, threads);
    }

    byte[] body(CompletionRequest request) {
        String instructions = request.conversation().stream().filter(turn -> turn.role() == ChatRole.SYSTEM)
                .map(ChatTurn::content).collect(Collectors.joining("\n\n"));
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model", request.model().value());
            if (!instructions.isEmpty()) {
                out.writeStringField("instructions", instructions);
            }
            out.writeArrayFieldStart("input");
            for (ChatTurn turn : request.conversation()) {
                if (turn.role() == ChatRole.SYSTEM) {
                    continue;
                }
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                out.writeStringField("content", turn.content());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeNumberField("temperature", request.temperature().value());
            if (request.maxOutputTokens().isPresent()) {
                out.writeNumberField("max_output_tokens", request.maxOutputTokens().getAsInt());
            }
            out.writeBooleanField("store", false);
            out.writeBooleanField("stream", true);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public String toString() {
        return name + " (" + FAMILY + ") at " + endpoint;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
