package dev.vctt.stream.adapters.llm.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.Alternation;
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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * Streams from the Google Gemini API (Google AI Studio keys):
 * {@code POST {base}/models/{model}:streamGenerateContent?alt=sse} with the key in
 * {@code x-goog-api-key}. Without {@code alt=sse} the answer would be one JSON array written bit by
 * bit; with it, each {@code data:} event is one {@code GenerateContentResponse}.
 *
 * <p>Request rules, each a difference from the product's request shape:
 * <ul>
 *   <li>Roles are {@code user} and {@code model}; system turns go to the top-level
 *       {@code systemInstruction}, joined by blank lines; consecutive turns of one role are merged.</li>
 *   <li>Temperature (0–2, as the product's) and the output cap go in {@code generationConfig}
 *       ({@code temperature}, {@code maxOutputTokens}).</li>
 * </ul>
 */
public final class GeminiGenerateContentProvider implements LlmProvider, AutoCloseable {

    /** The family's name in the configuration file. */
    public static final String FAMILY = "gemini";

    /** Google AI Studio's endpoint; Vertex AI's differs in host, path and authentication. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com/v1beta");
    private static final String KEY_HEADER = "x-goog-api-key";

    private final String name;
    private final String base;
    private final Optional<String> apiKey;
    private final Map<String, String> extraHeaders;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final HttpClient client;
    private final ObjectMapper json = UpstreamHttp.json();
    private final ThreadFactory threads;

    /**
     * @param baseUrl      e.g. {@link #DEFAULT_BASE_URL}
     * @param extraHeaders sent with every request; {@code x-goog-api-key} is the adapter's own
     */
    public GeminiGenerateContentProvider(String name, URI baseUrl, Optional<String> apiKey,
                                         Map<String, String> extraHeaders, ProviderTimeouts timeouts, SseLimits limits,
                                         StreamWatchdog watchdog) {
        this.name = Objects.requireNonNull(name, "name");
        URI models = UpstreamHttp.endpoint(baseUrl, "/models/");
        this.base = models.toString();
        this.apiKey = apiKey.filter(key -> !key.isBlank());
        this.extraHeaders = UpstreamHttp.extraHeaders(extraHeaders, KEY_HEADER, "authorization");
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
        this.client = UpstreamHttp.client(models, timeouts);
        this.threads = Thread.ofVirtual().name(name + "-stream-", 0).factory();
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        HttpRequest.Builder http = UpstreamHttp.post(modelUrl(request.model().value()), body(request), extraHeaders);
        apiKey.ifPresent(key -> http.header(KEY_HEADER, key));
        return SseStreamCall.start(client, http.build(), new GenerateContentMapper(json), listener, timeouts, limits,
                watchdog, threads);
    }

    /** The model's streaming URL; {@code models/gemini-…} (the API's resource name) and {@code gemini-…} both work. */
    URI modelUrl(String model) {
        String id = model.startsWith("models/") ? model.substring("models/".length()) : model;
        String segment = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        return URI.create(base + segment + ":streamGenerateContent?alt=sse");
    }

    byte[] body(CompletionRequest request) {
        String system = request.conversation().stream().filter(turn -> turn.role() == ChatRole.SYSTEM)
                .map(ChatTurn::content).collect(Collectors.joining("\n\n"));
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeArrayFieldStart("contents");
            for (ChatTurn turn : Alternation.of(request.conversation())) {
                out.writeStartObject();
                out.writeStringField("role", turn.role() == ChatRole.ASSISTANT ? "model" : "user");
                out.writeArrayFieldStart("parts");
                out.writeStartObject();
                out.writeStringField("text", turn.content());
                out.writeEndObject();
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeEndArray();
            if (!system.isEmpty()) {
                out.writeObjectFieldStart("systemInstruction");
                out.writeArrayFieldStart("parts");
                out.writeStartObject();
                out.writeStringField("text", system);
                out.writeEndObject();
                out.writeEndArray();
                out.writeEndObject();
            }
            out.writeObjectFieldStart("generationConfig");
            out.writeNumberField("temperature", request.temperature().value());
            if (request.maxOutputTokens().isPresent()) {
                out.writeNumberField("maxOutputTokens", request.maxOutputTokens().getAsInt());
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
        return name + " (" + FAMILY + ") at " + base;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
