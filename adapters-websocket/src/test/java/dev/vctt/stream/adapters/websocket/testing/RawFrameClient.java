package dev.vctt.stream.adapters.websocket.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * A WebSocket client written on a plain socket, for tests that must send what a well-behaved
 * client library refuses to: text frames whose bytes are not UTF-8 (random bytes, lone surrogates
 * encoded as they are), and many frames written back to back in one go. It records the server's
 * text frames in order, answers pings (WebSocket and Engine.IO) unless told not to, and reports how
 * the server closed (1006 when the socket ended without a close frame). It can stop taking bytes
 * from the network, on a small receive buffer, to play a client whose tab froze.
 */
public final class RawFrameClient implements AutoCloseable {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** How the server closed. */
    public record Closing(int code, String reason) {
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final boolean answerEngineIoPings;
    private final List<String> frames = new ArrayList<>();
    private final CompletableFuture<Closing> closing = new CompletableFuture<>();
    private final Object gate = new Object();
    private boolean paused;

    private RawFrameClient(int port, String pathAndQuery, boolean answerEngineIoPings, int receiveBufferBytes)
            throws IOException {
        this.answerEngineIoPings = answerEngineIoPings;
        socket = new Socket();
        if (receiveBufferBytes > 0) {
            // set before connecting, so that the window is small from the start and never autotuned
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readHeaders();
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("the upgrade was refused: " + response);
        }
        Thread.ofVirtual().name("raw-frame-reader").start(this::readFrames);
    }

    public static RawFrameClient connect(int port, String pathAndQuery) {
        return connect(port, pathAndQuery, 0);
    }

    /** Connects with a socket receive buffer of about that many bytes (0: the system's default). */
    public static RawFrameClient connect(int port, String pathAndQuery, int receiveBufferBytes) {
        try {
            return new RawFrameClient(port, pathAndQuery, true, receiveBufferBytes);
        } catch (IOException e) {
            throw new AssertionError("cannot connect to " + pathAndQuery, e);
        }
    }

    /** Stops reading from the socket (after the frame being read), so that the server's writes back up. */
    public void pauseReading() {
        synchronized (gate) {
            paused = true;
        }
    }

    public void resumeReading() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    private void awaitReading() throws IOException {
        synchronized (gate) {
            while (paused) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while paused", e);
                }
            }
        }
    }

    /** Sends each payload as one text frame, all in one write, so that they arrive back to back. */
    public RawFrameClient sendText(List<byte[]> payloads) {
        var all = new ByteArrayOutputStream();
        for (byte[] payload : payloads) {
            all.writeBytes(frame(0x1, payload));
        }
        write(all.toByteArray());
        return this;
    }

    public RawFrameClient sendText(byte[] payload) {
        return sendText(List.of(payload));
    }

    public RawFrameClient sendText(String text) {
        return sendText(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the payload as a text frame and leaves at once, in the same write: with a close frame
     * (a polite client) or without (a tab that was closed), then drops the socket.
     */
    public void sendAndLeave(String text, boolean withCloseFrame) {
        var all = new ByteArrayOutputStream();
        all.writeBytes(frame(0x1, text.getBytes(StandardCharsets.UTF_8)));
        if (withCloseFrame) {
            all.writeBytes(frame(0x8, new byte[] {0x03, (byte) 0xE8}));
        }
        write(all.toByteArray());
        close();
    }

    /** Every text frame received so far, in order. */
    public List<String> texts() {
        synchronized (frames) {
            return List.copyOf(frames);
        }
    }

    public int count() {
        synchronized (frames) {
            return frames.size();
        }
    }

    public boolean isClosed() {
        return closing.isDone();
    }

    /** The close, if the server has closed. */
    public Closing closing() {
        return closing.getNow(null);
    }

    public Closing awaitClose() {
        return closing.orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
    }

    /** Waits until the condition holds or the server closes; true if it holds. */
    public boolean awaitOrClose(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        synchronized (frames) {
            while (!condition.getAsBoolean()) {
                if (closing.isDone()) {
                    return condition.getAsBoolean();
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    frames.wait(Math.max(1, Math.min(50, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits for the first frame from index {@code from} on that matches; fails after the wait. */
    public String await(int from, Predicate<String> matching) {
        String[] found = {null};
        boolean matched = awaitOrClose(() -> {
            List<String> all = texts();
            for (int i = from; i < all.size(); i++) {
                if (matching.test(all.get(i))) {
                    found[0] = all.get(i);
                    return true;
                }
            }
            return false;
        });
        if (!matched) {
            throw new AssertionError("no matching frame within " + WAIT + " (closed: " + closing() + "); received "
                    + texts().subList(Math.min(from, count()), count()));
        }
        return found[0];
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private synchronized void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the server may have closed first; what it said is in closing
        }
    }

    /** A client frame: FIN set, masked as the protocol demands. */
    private static byte[] frame(int opcode, byte[] payload) {
        var frame = new ByteArrayOutputStream(payload.length + 14);
        frame.write(0x80 | opcode);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            frame.write(0x80 | 126);
            frame.write(payload.length >>> 8);
            frame.write(payload.length);
        } else {
            frame.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                frame.write((int) ((long) payload.length >>> shift));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i & 3]);
        }
        return frame.toByteArray();
    }

    private String readHeaders() throws IOException {
        var headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the server closed during the handshake: " + headers);
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    private void readFrames() {
        var message = new ByteArrayOutputStream();
        try {
            while (true) {
                awaitReading();
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = new byte[Math.toIntExact(length)];
                in.readFully(payload);
                int opcode = first & 0x0F;
                switch (opcode) {
                    case 0x0, 0x1 -> {
                        message.writeBytes(payload);
                        if ((first & 0x80) != 0) {
                            received(message.toString(StandardCharsets.UTF_8));
                            message.reset();
                        }
                    }
                    case 0x8 -> {
                        int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                        String reason = payload.length > 2
                                ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                        write(frame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]));
                        closed(new Closing(code, reason));
                        return;
                    }
                    case 0x9 -> write(frame(0xA, payload));
                    default -> {
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            closed(new Closing(1006, String.valueOf(e)));
        }
    }

    private void received(String text) {
        synchronized (frames) {
            frames.add(text);
            frames.notifyAll();
        }
        if (answerEngineIoPings && text.equals("2")) {
            write(frame(0x1, "3".getBytes(StandardCharsets.US_ASCII)));
        }
    }

    private void closed(Closing how) {
        closing.complete(how);
        synchronized (frames) {
            frames.notifyAll();
        }
        close();
    }
}
