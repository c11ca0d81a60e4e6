package dev.vctt.stream.bootstrap;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The warm-up's clients: connections to the server that each ask for their share of the streams
 * one after another, every other one paced, and count how they end. Every other connection speaks
 * Socket.IO (Engine.IO 4 over a WebSocket, namespace {@code /stream}), the rest the native protocol,
 * so that both adapters are compiled before the first client arrives.
 */
final class WarmupLoad {

    /** How the warm-up's streams ended. */
    record Counts(int completed, int failed, int chunks) {
    }

    private static final String NAMESPACE = "/stream,";

    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger chunks = new AtomicInteger();
    private final AtomicInteger requestIds = new AtomicInteger();

    private WarmupLoad() {
    }

    /** Runs {@code streams} streams over {@code connections} connections to the server on {@code port}. */
    static Counts run(int port, int connections, int streams, Duration patience) throws InterruptedException {
        var load = new WarmupLoad();
        HttpClient client = HttpClient.newHttpClient();
        try {
            List<CompletableFuture<Void>> done = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                int share = streams / connections + (c < streams % connections ? 1 : 0);
                if (share > 0) {
                    done.add(load.connection(client, port, share, c % 2 == 1));
                }
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // what did not end in time counts as failed: the warm-up never holds the server back for long
        } finally {
            client.shutdownNow();
        }
        return new Counts(load.completed.get(), streams - load.completed.get(), load.chunks.get());
    }

    private CompletableFuture<Void> connection(HttpClient client, int port, int share, boolean socketIo) {
        var finished = new CompletableFuture<Void>();
        var listener = new WebSocket.Listener() {
            private final StringBuilder frame = new StringBuilder();
            private CompletableFuture<WebSocket> sending;
            private int left = share;

            @Override
            public void onOpen(WebSocket socket) {
                sending = CompletableFuture.completedFuture(socket);
                if (!socketIo) {
                    ask();
                }
                socket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    String text = frame.toString();
                    frame.setLength(0);
                    if (socketIo && text.equals("2")) {
                        send("3"); // Engine.IO ping
                    } else if (socketIo && text.startsWith("0")) {
                        send("40" + NAMESPACE); // Engine.IO open: join the namespace
                    } else if (socketIo && text.startsWith("40" + NAMESPACE)) {
                        ask();
                    } else {
                        event(text);
                    }
                }
                socket.request(1);
                return null;
            }

            @Override
            public void onError(WebSocket socket, Throwable error) {
                finished.complete(null);
            }

            @Override
            public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
                finished.complete(null);
                return null;
            }

            private void event(String text) {
                if (text.contains("\"stream_chunk\"")) {
                    chunks.incrementAndGet();
                } else if (text.contains("\"stream_complete\"") || text.contains("\"stream_error\"")) {
                    if (text.contains("\"stream_complete\"")) {
                        completed.incrementAndGet();
                    }
                    if (--left > 0) {
                        ask();
                    } else {
                        sending.thenAccept(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, ""));
                        finished.complete(null);
                    }
                }
            }

            private void ask() {
                int id = requestIds.incrementAndGet();
                String message = id % 2 == 0 ? "Warm-up stream " + WarmupProvider.PACED : "Warm-up stream";
                String request = "{\"message\":\"" + message + "\",\"agentRole\":\"analyst\",\"requestId\":\"warm-up-" + id + "\"}";
                send(socketIo ? "42" + NAMESPACE + "[\"stream_request\"," + request + "]"
                        : "{\"event\":\"stream_request\",\"data\":" + request + "}");
            }

            /** One send at a time: the JDK's WebSocket refuses a send while another is pending. */
            private void send(String text) {
                sending = sending.thenCompose(socket -> socket.sendText(text, true));
            }
        };
        String path = socketIo ? "/socket.io/?EIO=4&transport=websocket" : "/stream";
        client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + path), listener)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        finished.complete(null);
                    }
                });
        return finished;
    }
}
