package dev.vctt.stream.adapters.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

class CancellableTransportTest {

    /** Records what would go to the server. */
    private static final class RecordingTransport implements McpClientTransport {
        final List<McpSchema.JSONRPCMessage> sent = new CopyOnWriteArrayList<>();

        @Override
        public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
            return Mono.empty();
        }

        @Override
        public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
            return Mono.fromRunnable(() -> sent.add(message));
        }

        @Override
        public Mono<Void> closeGracefully() {
            return Mono.empty();
        }

        @Override
        public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
            throw new UnsupportedOperationException();
        }
    }

    private final RecordingTransport server = new RecordingTransport();
    private final CancellableTransport transport = new CancellableTransport(server);

    private void sendCall(Object id, String token) {
        var call = McpSchema.CallToolRequest.builder("trigger-long-running-operation").arguments(Map.of())
                .progressToken(token).build();
        transport.sendMessage(new McpSchema.JSONRPCRequest(McpSchema.JSONRPC_VERSION, McpSchema.METHOD_TOOLS_CALL, id, call))
                .block();
    }

    @Test
    void cancelling_a_sent_call_tells_the_server_which_request_to_stop() {
        // given
        sendCall("abc-7", "vctt-1");
        sendCall("abc-8", "vctt-2");

        // when
        transport.cancel("vctt-1", "the stream was stopped");

        // then
        assertThat(server.sent).hasSize(3);
        assertThat(server.sent.getLast()).isInstanceOfSatisfying(McpSchema.JSONRPCNotification.class, note -> {
            assertThat(note.method()).isEqualTo("notifications/cancelled");
            assertThat(note.params()).isEqualTo(Map.of("requestId", "abc-7", "reason", "the stream was stopped"));
        });
    }

    @Test
    void a_call_that_ended_or_was_never_sent_is_not_cancelled() {
        sendCall("abc-9", "vctt-3");
        transport.forget("vctt-3");

        transport.cancel("vctt-3", "late");
        transport.cancel("vctt-unknown", "never sent");

        assertThat(server.sent).hasSize(1);
    }

    @Test
    void a_call_stopped_before_the_sdk_sent_it_is_cancelled_right_after_it_goes() {
        // given: the stream stopped while the SDK had not yet written the call
        transport.cancel("vctt-4", "the stream was stopped");

        // when
        sendCall("abc-10", "vctt-4");

        // then
        assertThat(server.sent).hasSize(2);
        assertThat(server.sent.getLast()).isInstanceOfSatisfying(McpSchema.JSONRPCNotification.class, note ->
                assertThat(note.params()).isEqualTo(Map.of("requestId", "abc-10", "reason", "the stream was stopped")));
    }
}
