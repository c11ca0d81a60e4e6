package dev.vctt.stream.adapters.websocket.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real WebSocket client (the JDK's) speaking the native protocol, for tests: it records every
 * event frame, can wait for one, and can stop reading to play a slow client.
 */
public final class WsTestClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<JsonNode> events = new ArrayList<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading = true;

    private WsTestClient(URI uri, String origin) {
        var builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        if (origin != null) {
            builder.header("Origin", origin);
        }
        this.socket = builder.buildAsync(uri, new Recorder()).orTimeout(10, TimeUnit.SECONDS).join();
    }

    public static WsTestClient connect(int port) {
        return new WsTestClient(URI.create("ws://127.0.0.1:" + port + "/stream"), null);
    }

    public static WsTestClient connect(URI uri, String origin) {
        return new WsTestClient(uri, origin);
    }

    public WsTestClient send(String event, Object data) {
        ObjectNode frame = JSON.createObjectNode();
        frame.put("event", event);
        frame.set("data", JSON.valueToTree(data));
        return sendRaw(frame.toString());
    }

    public WsTestClient sendRaw(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    public WsTestClient sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    /** Waits for the next event of that name matching the condition, and returns its data. */
    public JsonNode await(String event, Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (events) {
            while (true) {
                for (JsonNode frame : events) {
                    if (frame.path("event").asText().equals(event) && matching.test(frame.path("data"))) {
                        return frame.path("data");
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no " + event + " within " + WAIT + "; received " + events);
                }
                try {
                    events.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    public JsonNode await(String event) {
        return await(event, data -> true);
    }

    /** Every event frame received so far, whole ({@code {"event","data"}}). */
    public List<JsonNode> frames() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Every event of that name received so far, as its data. */
    public List<JsonNode> events(String event) {
        synchronized (events) {
            return events.stream().filter(f -> f.path("event").asText().equals(event)).map(f -> f.path("data")).toList();
        }
    }

    /** Stops taking frames from the network, as a client whose tab froze would. */
    public void stopReading() {
        reading = false;
    }

    /** The close code the server sent, once it closed. */
    public int awaitClose() {
        return closeCode.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    /** Drops the connection without a closing handshake. */
    public void abort() {
        socket.abort();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Recorder implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    JsonNode frame = JSON.readTree(partial.toString());
                    synchronized (events) {
                        events.add(frame);
                        events.notifyAll();
                    }
                } catch (Exception e) {
                    throw new AssertionError("the server sent a frame that is not JSON: " + partial, e);
                }
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(1006);
        }
    }
}
