package dev.vctt.stream.adapters.websocket.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real WebSocket client (the JDK's) that records every text frame as it came, with the time it
 * came, for tests of wire protocols such as Engine.IO / Socket.IO. It answers Engine.IO pings
 * ({@code 2}) with pongs ({@code 3}) unless told not to.
 */
public final class RawWsClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** A text frame and when it arrived ({@link System#nanoTime()}). */
    public record Frame(String text, long receivedNanos) {
    }

    /** How the server closed: the code and reason of its close frame (1006 if none came). */
    public record Closing(int code, String reason) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private final CompletableFuture<Closing> closing = new CompletableFuture<>();
    private final boolean answerPings;
    private final WebSocket socket;
    private CompletableFuture<WebSocket> sending = CompletableFuture.completedFuture(null);

    private RawWsClient(URI uri, Map<String, String> headers, boolean answerPings) {
        this.answerPings = answerPings;
        var builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Recorder()).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public static RawWsClient connect(URI uri) {
        return new RawWsClient(uri, Map.of(), true);
    }

    public static RawWsClient connect(URI uri, Map<String, String> headers, boolean answerPings) {
        return new RawWsClient(uri, headers, answerPings);
    }

    public RawWsClient send(String text) {
        enqueue(() -> socket.sendText(text, true)).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
        return this;
    }

    public RawWsClient sendBinary(byte[] bytes) {
        enqueue(() -> socket.sendBinary(ByteBuffer.wrap(bytes), true)).orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS)
                .join();
        return this;
    }

    /** The JDK client allows one send at a time; pongs from the listener and the test's sends take turns. */
    private synchronized CompletableFuture<WebSocket> enqueue(Supplier<CompletableFuture<WebSocket>> send) {
        CompletableFuture<WebSocket> next = sending.handle((ignored, failure) -> null).thenCompose(ignored -> send.get());
        sending = next;
        return next;
    }

    /** Waits for the first frame received (so far or later) that matches, and returns its text. */
    public String await(Predicate<String> matching) {
        return awaitFrame(matching).text();
    }

    /** Waits for the first frame that starts with the prefix and returns its text. */
    public String awaitPrefix(String prefix) {
        return await(text -> text.startsWith(prefix));
    }

    public Frame awaitFrame(Predicate<String> matching) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (frames) {
            while (true) {
                for (Frame frame : frames) {
                    if (matching.test(frame.text())) {
                        return frame;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no matching frame within " + WAIT + "; received " + texts());
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits until at least {@code count} frames match, and returns them in order. */
    public List<Frame> awaitCount(Predicate<String> matching, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (frames) {
            while (true) {
                List<Frame> found = frames.stream().filter(f -> matching.test(f.text())).toList();
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("fewer than " + count + " matching frames within " + WAIT + "; received "
                            + texts());
                }
                try {
                    frames.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Every text frame received so far, in order. */
    public List<String> texts() {
        synchronized (frames) {
            return frames.stream().map(Frame::text).toList();
        }
    }

    /** How the server closed the connection; fails if it does not within the wait. */
    public Closing awaitClose() {
        return closing.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closing.isDone();
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

    /**
     * Sends a WebSocket upgrade request by hand and returns the whole HTTP response (status line,
     * headers, body), for handshakes the server must refuse (which the JDK client reports without
     * the body).
     */
    public static String rawUpgrade(int port, String pathAndQuery) {
        try (var socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError("the raw upgrade request failed", e);
        }
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
                String text = partial.toString();
                partial.setLength(0);
                synchronized (frames) {
                    frames.add(new Frame(text, System.nanoTime()));
                    frames.notifyAll();
                }
                if (answerPings && text.equals("2")) {
                    enqueue(() -> webSocket.sendText("3", true));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closing.complete(new Closing(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closing.complete(new Closing(1006, String.valueOf(error)));
        }
    }
}
