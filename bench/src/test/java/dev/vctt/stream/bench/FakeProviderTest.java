package dev.vctt.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.vctt.stream.adapters.llm.openai.BenchmarkAccess;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsDialect;
import dev.vctt.stream.adapters.llm.sse.Emitter;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.SseParser;
import dev.vctt.stream.adapters.llm.sse.Step;
import dev.vctt.stream.adapters.llm.sse.UpstreamHttp;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.session.FinishReason;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake provider speaks Chat Completions as the server's own parser and mapper read it. */
class FakeProviderTest {

    private final FakeProvider provider = FakeProvider.start(new FakeProvider.Settings(5, 0, 0, "tok "), new HarnessThreads());
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        http.shutdownNow();
        provider.close();
    }

    @Test
    void a_stream_is_a_role_chunk_one_chunk_per_token_a_finish_the_usage_and_done() throws Exception {
        var read = stream("{\"model\":\"gpt-4o\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(read.texts).containsExactly("tok ", "tok ", "tok ", "tok ", "tok ");
        assertThat(read.usage).hasSize(1);
        assertThat(read.usage.get(0).output()).hasValueSatisfying(tokens -> assertThat(tokens.value()).isEqualTo(5));
        assertThat(read.end).isEqualTo(Step.done(FinishReason.STOP));
        assertThat(provider.tokensWritten()).isEqualTo(5);
    }

    @Test
    void without_include_usage_no_usage_chunk_is_sent() throws Exception {
        var read = stream("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");

        assertThat(read.texts).hasSize(5);
        assertThat(read.usage).isEmpty();
        assertThat(read.end).isInstanceOf(Step.Done.class);
    }

    @Test
    void the_request_may_set_tokens_and_pace_and_max_tokens_cuts_the_answer() throws Exception {
        var directed = stream("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"go fake:tokens=3 fake:pace=500\"}]}");
        var capped = stream("{\"model\":\"gpt-4o\",\"stream\":true,\"max_tokens\":2,\"messages\":[]}");

        assertThat(directed.texts).hasSize(3);
        assertThat(capped.texts).hasSize(2);
        assertThat(capped.end).isEqualTo(Step.done(FinishReason.LENGTH));
    }

    @Test
    void streams_follow_each_other_on_a_kept_alive_connection() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(stream("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}").texts).hasSize(5);
        }

        assertThat(provider.streamsStarted()).isEqualTo(3);
        assertThat(provider.streamsCompleted()).isEqualTo(3);
    }

    @Test
    void an_unknown_path_is_a_404() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(provider.baseUrl().resolve("/v1/nothing")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    @Test
    void a_chunked_request_body_is_refused_and_the_provider_goes_on_serving() throws Exception {
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(provider.baseUrl().resolve("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream("{\"stream\":true}".getBytes(StandardCharsets.UTF_8))))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).isEqualTo(411);
        assertThat(stream("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}").texts).hasSize(5);
    }

    @Test
    void a_refused_request_is_answered_whole_and_the_body_still_coming_is_read_not_reset() throws Exception {
        try (var socket = new Socket(provider.baseUrl().getHost(), provider.baseUrl().getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            byte[] piece = new byte[64 << 10];
            Arrays.fill(piece, (byte) 'x');

            assertThat(answer).startsWith("HTTP/1.1 411").contains("Connection: close").endsWith("send a Content-Length\"}}");
            // a provider that closed with the body unread would reset the connection, and a reset can
            // discard an answer not yet read: the refusal must keep reading what the client sends
            assertThatCode(() -> {
                out.write((Integer.toHexString(16 * piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 16; i++) {
                    out.write(piece);
                }
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }).doesNotThrowAnyException();
        }
    }

    /** What the server's SSE parser and Chat Completions mapper make of one streamed answer. */
    private Read stream(String body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(provider.baseUrl().resolve("/v1/chat/completions"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        var read = new Read();
        SseEventMapper mapper = BenchmarkAccess.chatCompletionsMapper(UpstreamHttp.json().getFactory(),
                ChatCompletionsDialect.COMPATIBLE);
        var parser = new SseParser(event -> {
            Step step = mapper.onEvent(event, read);
            if (!(step instanceof Step.Continue)) {
                read.end = step;
            }
        }, SseLimits.DEFAULTS.maxLineBytes(), SseLimits.DEFAULTS.maxEventChars());
        parser.feed(response.body(), 0, response.body().length);
        parser.finish();
        return read;
    }

    private static final class Read implements Emitter {
        final List<String> texts = new ArrayList<>();
        final List<ReportedUsage> usage = new ArrayList<>();
        Step end;

        @Override
        public void text(String text) {
            texts.add(text);
        }

        @Override
        public void usage(ReportedUsage reported) {
            usage.add(reported);
        }

        @Override
        public void toolCall(ToolCall call) {
            throw new AssertionError("no tool calls expected");
        }

        @Override
        public void progress() {
        }
    }
}
