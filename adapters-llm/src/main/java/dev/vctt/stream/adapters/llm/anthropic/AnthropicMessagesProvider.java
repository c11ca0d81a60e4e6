package dev.vctt.stream.adapters.llm.anthropic;

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
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.request.Temperature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.stream.Collectors;

/**
 * Streams from Anthropic's Messages API on {@link HttpClient}, each stream pushed through {@link SseStreamCall}.
 *
 * <p>Request rules, each a difference from the product's request shape:
 * <ul>
 *   <li>Temperature: Anthropic accepts 0–1, the product 0–2. Values above 1 are sent as 1.0 (the most
 *       varied Anthropic allows); values up to 1 are sent as they are, so the default 0.7 means the
 *       same on every provider.</li>
 *   <li>{@code max_tokens} is required: the request's cap, else {@code defaultMaxTokens}.</li>
 *   <li>System turns (the system prompt and any in the history) go to the top-level {@code system}
 *       field, joined by blank lines; consecutive turns of one role are merged, since the API expects
 *       user and assistant to alternate.</li>
 * </ul>
 */
public final class AnthropicMessagesProvider implements LlmProvider, AutoCloseable {

    public static final String API_VERSION = "2023-06-01";
    public static final double MAX_TEMPERATURE = 1.0;

    private final String name;
    private final URI endpoint;
    private final Optional<String> apiKey;
    private final Map<String, String> extraHeaders;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final int defaultMaxTokens;
    private final HttpClient client;
    private final ObjectMapper json = UpstreamHttp.json();
    private final ThreadFactory threads;

    public AnthropicMessagesProvider(String name, URI baseUrl, Optional<String> apiKey, ProviderTimeouts timeouts,
                                     SseLimits limits, StreamWatchdog watchdog, int defaultMaxTokens) {
        this(name, baseUrl, apiKey, Map.of(), timeouts, limits, watchdog, defaultMaxTokens);
    }

    /** @param extraHeaders sent with every request (e.g. {@code anthropic-beta}); not the key or the API version */
    public AnthropicMessagesProvider(String name, URI baseUrl, Optional<String> apiKey, Map<String, String> extraHeaders,
                                     ProviderTimeouts timeouts, SseLimits limits, StreamWatchdog watchdog,
                                     int defaultMaxTokens) {
        this.name = name;
        this.extraHeaders = UpstreamHttp.extraHeaders(extraHeaders, "x-api-key", "anthropic-version", "authorization");
        this.endpoint = UpstreamHttp.endpoint(baseUrl, "/messages");
        this.apiKey = apiKey.filter(key -> !key.isBlank());
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
        this.defaultMaxTokens = defaultMaxTokens;
        this.client = UpstreamHttp.client(endpoint, timeouts);
        this.threads = Thread.ofVirtual().name(name + "-stream-", 0).factory();
    }

    /** The temperature Anthropic is sent for the product's 0–2 temperature. */
    public static double temperatureFor(Temperature temperature) {
        return Math.min(temperature.value(), MAX_TEMPERATURE);
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        HttpRequest.Builder http = UpstreamHttp.post(endpoint, body(request), extraHeaders)
                .header("anthropic-version", API_VERSION);
        apiKey.ifPresent(key -> http.header("x-api-key", key));
        return SseStreamCall.start(client, http.build(), new MessagesStreamMapper(json), listener, timeouts, limits,
                watchdog, threads);
    }

    byte[] body(CompletionRequest request) {
        String system = request.conversation().stream().filter(turn -> turn.role() == ChatRole.SYSTEM)
                .map(ChatTurn::content).collect(Collectors.joining("\n\n"));
        var bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            out.writeStartObject();
            out.writeStringField("model", request.model().value());
            out.writeNumberField("max_tokens", request.maxOutputTokens().orElse(defaultMaxTokens));
            if (!system.isEmpty()) {
                out.writeStringField("system", system);
            }
            out.writeArrayFieldStart("messages");
            for (ChatTurn turn : Alternation.of(request.conversation())) {
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                if (turn.carriesTools()) {
                    writeBlocks(out, turn);
                } else {
                    out.writeStringField("content", turn.content());
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            if (!request.tools().isEmpty()) {
                out.writeArrayFieldStart("tools");
                for (ToolDefinition tool : request.tools()) {
                    out.writeStartObject();
                    out.writeStringField("name", tool.name());
                    out.writeStringField("description", tool.description());
                    out.writeFieldName("input_schema");
                    out.writeRawValue(tool.inputSchemaJson());
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
            out.writeNumberField("temperature", temperatureFor(request.temperature()));
            out.writeBooleanField("stream", true);
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A tool step's turn as content blocks: text and {@code tool_use}, or {@code tool_result}s. */
    private void writeBlocks(JsonGenerator out, ChatTurn turn) throws IOException {
        out.writeArrayFieldStart("content");
        if (!turn.content().isEmpty()) {
            out.writeStartObject();
            out.writeStringField("type", "text");
            out.writeStringField("text", turn.content());
            out.writeEndObject();
        }
        for (ToolUse use : turn.toolUses()) {
            out.writeStartObject();
            out.writeStringField("type", "tool_use");
            out.writeStringField("id", use.id());
            out.writeStringField("name", use.name());
            out.writeFieldName("input");
            out.writeTree(input(use.argumentsJson()));
            out.writeEndObject();
        }
        for (ToolReply reply : turn.toolReplies()) {
            out.writeStartObject();
            out.writeStringField("type", "tool_result");
            out.writeStringField("tool_use_id", reply.toolUseId());
            out.writeStringField("content", reply.content());
            out.writeBooleanField("is_error", reply.error());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    /** The model's arguments as an object; arguments that are not a JSON object become an empty one. */
    private com.fasterxml.jackson.databind.JsonNode input(String argumentsJson) {
        try {
            var node = json.readTree(argumentsJson.isBlank() ? "{}" : argumentsJson);
            return node != null && node.isObject() ? node : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    @Override
    public String toString() {
        return name + " (anthropic) at " + endpoint;
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
