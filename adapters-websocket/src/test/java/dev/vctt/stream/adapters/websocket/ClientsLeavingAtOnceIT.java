package dev.vctt.stream.adapters.websocket;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.connection.ConnectionLimits;
import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.adapters.websocket.testing.RawFrameClient;
import dev.vctt.stream.adapters.websocket.testing.TestWebServer;
import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.service.ActiveStreams;
import dev.vctt.stream.application.service.AuthenticateClientService;
import dev.vctt.stream.application.service.CountActiveStreamsService;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.domain.request.RequestLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many real clients that send a stream request and leave in the same breath, on both protocols:
 * the stream may start before or after the server learns the client is gone, and either way no
 * upstream call may outlive its connection.
 */
class ClientsLeavingAtOnceIT {

    private static final int CLIENTS = 48;

    enum Protocol { NATIVE, SOCKET_IO }

    /** A provider whose calls run until they are cancelled, as a long answer would. */
    private static final class EndlessProvider implements LlmProvider {
        record Call(AtomicBoolean cancelled) {
        }

        final List<Call> calls = new CopyOnWriteArrayList<>();

        @Override
        public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
            var call = new Call(new AtomicBoolean());
            calls.add(call);
            return new StreamHandle() {
                @Override
                public void cancel() {
                    if (call.cancelled().compareAndSet(false, true)) {
                        Thread.ofVirtual().start(() -> listener.onEnd(new StreamOutcome.Cancelled()));
                    }
                }

                @Override
                public boolean isCancelled() {
                    return call.cancelled().get();
                }
            };
        }
    }

    private final EndlessProvider provider = new EndlessProvider();
    private final ActiveStreams active = new ActiveStreams(3);
    private final CountActiveStreamsService streams = new CountActiveStreamsService(active);
    private final List<RawFrameClient> clients = new ArrayList<>();
    private WebServer server;

    @AfterEach
    void stop() {
        clients.forEach(RawFrameClient::close);
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Protocol.class)
    void clients_that_close_right_after_a_stream_request_leave_no_upstream_call_running(Protocol protocol) {
        // given
        server = TestWebServer.start(new WebServerSettings("127.0.0.1", 0, ConnectionLimits.DEFAULTS, List.of(),
                        Duration.ofSeconds(30)), new RequestLimits(2000, 1000, 5, 10_000, 4096), provider, active,
                AuthenticateClientService.open(), new InMemorySessionStore(), new MicrometerStreamMetrics());
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(open(protocol));
        }

        // when: each sends a request and leaves at once, half with a close frame and half without
        for (int i = 0; i < CLIENTS; i++) {
            clients.get(i).sendAndLeave(request(protocol, i), i % 2 == 0);
        }

        // then
        holds(Duration.ofSeconds(15), () -> {
            assertThat(server.connections()).as("open connections").isZero();
            assertThat(streams.count()).as("active streams").isZero();
            assertThat(provider.calls).as("upstream calls").allSatisfy(call ->
                    assertThat(call.cancelled()).as("cancelled").isTrue());
        });
    }

    private RawFrameClient open(Protocol protocol) {
        if (protocol == Protocol.NATIVE) {
            return RawFrameClient.connect(server.port(), "/stream");
        }
        RawFrameClient client = RawFrameClient.connect(server.port(), "/socket.io/?EIO=4&transport=websocket");
        client.await(0, text -> text.startsWith("0{"));
        client.sendText("40/stream,");
        client.await(0, text -> text.startsWith("40/stream,{"));
        return client;
    }

    private static String request(Protocol protocol, int i) {
        String data = "{\"message\":\"tell me everything\",\"requestId\":\"leaver-" + i + "\"}";
        return protocol == Protocol.NATIVE ? "{\"event\":\"stream_request\",\"data\":" + data + "}"
                : "42/stream,[\"stream_request\"," + data + "]";
    }
}
