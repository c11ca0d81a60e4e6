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
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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

    public OpenAiChatCompletionsProvider(String name, ChatCompletionsDialect dialect, URI baseUrl,
                                         Optional<String> apiKey, ProviderTimeouts timeouts, SseLimits limits,
                                         StreamWatchdog watchdog) {
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
                if (!turn.toolReplies().isEmpty()) {
                    // one "tool" message per result, answering the assistant's tool_calls by id
                    for (ToolReply reply : turn.toolReplies()) {
                        out.writeStartObject();
                        out.writeStringField("role", "tool");
                        out.writeStringField("tool_call_id", reply.toolUseId());
                        out.writeStringField("content", reply.error() ? "Error: " + reply.content() : reply.content());
                        out.writeEndObject();
                    }
                    continue;
                }
                out.writeStartObject();
                out.writeStringField("role", turn.role().wireName());
                if (turn.toolUses().isEmpty()) {
                    out.writeStringField("content", turn.content());
                } else {
                    if (turn.content().isEmpty()) {
                        out.writeNullField("content");
                    } else {
                        out.writeStringField("content", turn.content());
                    }
                    out.writeArrayFieldStart("tool_calls");
                    for (ToolUse use : turn.toolUses()) {
                        out.writeStartObject();
                        out.writeStringField("id", use.id());
                        out.writeStringField("type", "function");
                        out.writeObjectFieldStart("function");
                        out.writeStringField("name", use.name());
                        out.writeStringField("arguments", use.argumentsJson());
                        out.writeEndObject();
                        out.writeEndObject();
                    }
                    out.writeEndArray();
                }
                out.writeEndObject();
            }
            out.writeEndArray();
            if (!request.tools().isEmpty()) {
                out.writeArrayFieldStart("tools");
                for (ToolDefinition tool : request.tools()) {
                    out.writeStartObject();
                    out.writeStringField("type", "function");
                    out.writeObjectFieldStart("function");
                    out.writeStringField("name", tool.name());
                    out.writeStringField("description", tool.description());
                    out.writeFieldName("parameters");
                    out.writeRawValue(tool.inputSchemaJson());
                    out.writeEndObject();
                    out.writeEndObject();
                }
                out.writeEndArray();
            }
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
