package dev.vctt.stream.bootstrap;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The warm-up's clients: connections to the server's native endpoint that each ask for their share
 * of the streams one after another, every other one paced, and count how they end.
 */
final class WarmupLoad {

    /** How the warm-up's streams ended. */
    record Counts(int completed, int failed, int chunks) {
    }

    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
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
                    done.add(load.connection(client, port, share));
                }
            }
            CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            // what did not end in time counts as failed: the warm-up never holds the server back for long
        } finally {
            client.shutdownNow();
        }
        return new Counts(load.completed.get(), streams - load.completed.get(), load.chunks.get());
    }

    private CompletableFuture<Void> connection(HttpClient client, int port, int share) {
        var finished = new CompletableFuture<Void>();
        var listener = new WebSocket.Listener() {
            private final StringBuilder frame = new StringBuilder();
            private int left = share;

            @Override
            public void onOpen(WebSocket socket) {
                ask(socket);
                socket.request(1);
            }

            @Override
            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                frame.append(data);
                if (last) {
                    String event = frame.toString();
                    frame.setLength(0);
                    if (event.contains("\"stream_chunk\"")) {
                        chunks.incrementAndGet();
                    } else if (event.contains("\"stream_complete\"") || event.contains("\"stream_error\"")) {
                        (event.contains("\"stream_complete\"") ? completed : failed).incrementAndGet();
                        if (--left > 0) {
                            ask(socket);
                        } else {
                            socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
                            finished.complete(null);
                        }
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

            private void ask(WebSocket socket) {
                int id = requestIds.incrementAndGet();
                String message = id % 2 == 0 ? "Warm-up stream " + WarmupProvider.PACED : "Warm-up stream";
                socket.sendText("{\"event\":\"stream_request\",\"data\":{\"message\":\"" + message
                        + "\",\"agentRole\":\"analyst\",\"requestId\":\"warm-up-" + id + "\"}}", true);
            }
        };
        client.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/stream"), listener)
                .whenComplete((socket, error) -> {
                    if (error != null) {
                        finished.complete(null);
                    }
                });
        return finished;
    }
}
