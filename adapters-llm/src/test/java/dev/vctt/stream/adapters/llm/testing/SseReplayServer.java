package dev.vctt.stream.adapters.llm.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP/1.1 server on loopback that replays byte-exact provider streams, with the faults a
 * provider adapter must survive: cut bodies, dropped and stalled connections, error statuses. It
 * observes the client: a test can wait until the client closed a connection whose answer was not
 * finished, which is how "cancelling closes the upstream connection" is proven.
 *
 * <p>Written on raw sockets because byte-level faults (a chunked body cut mid-frame, a reset, a
 * stall after exactly N bytes) are what the tests need and no HTTP server library offers them.
 * Every connection is closed after its answer ({@code Connection: close}).
 */
public final class SseReplayServer implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;
    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private volatile Reply fallback = Reply.status(500, "{\"error\":{\"message\":\"no reply queued\"}}");
    private final BlockingQueue<RecordedRequest> requests = new LinkedBlockingQueue<>();
    private final List<RecordedRequest> allRequests = new ArrayList<>();
    private final BlockingQueue<Long> abandonments = new LinkedBlockingQueue<>();
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    private SseReplayServer() throws IOException {
        socket = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("replay-accept").start(this::acceptLoop);
    }

    public static SseReplayServer start() {
        try {
            return new SseReplayServer();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the replay server", e);
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The base URL an OpenAI-style client is given: {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + port() + "/v1");
    }

    /** Queue the answer to the next request. */
    public SseReplayServer enqueue(Reply reply) {
        replies.add(reply);
        return this;
    }

    /** The answer when nothing is queued. */
    public SseReplayServer answerByDefault(Reply reply) {
        fallback = reply;
        return this;
    }

    public RecordedRequest takeRequest(Duration wait) {
        try {
            RecordedRequest request = requests.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (request == null) {
                throw new AssertionError("no request within " + wait);
            }
            return request;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public synchronized List<RecordedRequest> requests() {
        return List.copyOf(allRequests);
    }

    /** True once the client closes a connection whose answer was not finished yet. */
    public boolean awaitAbandonedByClient(Duration wait) {
        try {
            return abandonments.poll(wait.toMillis(), TimeUnit.MILLISECONDS) != null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * When the next connection whose answer was not finished was seen closed by the client, as
     * {@link System#nanoTime()} (for measuring how soon a cancel reaches the provider); empty if none within the wait.
     */
    public java.util.OptionalLong awaitAbandonment(Duration wait) {
        try {
            Long at = abandonments.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            return at == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(at);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.OptionalLong.empty();
        }
    }

    /** Forgets queued replies, received requests and observed abandonments, between test cases. */
    public synchronized void reset() {
        replies.clear();
        requests.clear();
        allRequests.clear();
        abandonments.clear();
    }

    /** Connections accepted and not yet closed. */
    public int openConnections() {
        return open.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        sockets.forEach(s -> {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        });
        acceptor.interrupt();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = socket.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                open.incrementAndGet();
                Thread.ofVirtual().name("replay-conn").start(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void serve(Socket client) {
        var clientGone = new CountDownLatch(1);
        var finished = new boolean[1];
        try (client) {
            InputStream in = client.getInputStream();
            RecordedRequest request = readRequest(in);
            if (request == null) {
                return;
            }
            synchronized (this) {
                allRequests.add(request);
            }
            requests.add(request);
            Reply reply = replies.poll();
            if (reply == null) {
                reply = fallback;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    while (in.read() >= 0) {
                        // a Connection: close client sends nothing more; read until it closes
                    }
                } catch (IOException e) {
                    // reset or closed: gone either way
                }
                // decide before waking the answer: once woken, a stalled answer marks itself finished
                synchronized (finished) {
                    if (!finished[0] && !closed) {
                        abandonments.add(System.nanoTime());
                    }
                }
                clientGone.countDown();
            });
            answer(client, reply, clientGone);
            synchronized (finished) {
                finished[0] = true;
            }
        } catch (IOException e) {
            // the client went away while we wrote: the watcher has recorded it
        } finally {
            open.decrementAndGet();
            sockets.remove(client);
        }
    }

    private void answer(Socket client, Reply reply, CountDownLatch clientGone) throws IOException {
        if (reply.ending == Reply.Ending.STALL_BEFORE_HEADERS) {
            awaitQuietly(clientGone);
            return;
        }
        OutputStream out = client.getOutputStream();
        boolean chunked = reply.ending != Reply.Ending.CLOSE_DELIMITED;
        var head = new StringBuilder("HTTP/1.1 ").append(reply.status).append(' ').append(reason(reply.status)).append("\r\n");
        reply.headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append(chunked ? "Transfer-Encoding: chunked\r\n" : "").append("Connection: close\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
        out.flush();

        int limit = reply.bodyBytesToSend();
        for (int[] piece : pieces(reply, limit)) {
            pause(reply.pause);
            if (chunked) {
                out.write((Integer.toHexString(piece[1]) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(reply.body, piece[0], piece[1]);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(reply.body, piece[0], piece[1]);
            }
            out.flush();
        }
        pause(reply.beforeFault);
        switch (reply.ending) {
            case CHUNKED -> {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            case DROP -> client.setSoLinger(true, 0);
            case STALL -> awaitQuietly(clientGone);
            case CLOSE_DELIMITED, CUT, STALL_BEFORE_HEADERS -> {
                // just close
            }
        }
    }

    /** The body split into writes: one SSE event per write, or fixed-size pieces. */
    private static List<int[]> pieces(Reply reply, int limit) {
        var pieces = new ArrayList<int[]>();
        int start = 0;
        while (start < limit) {
            int end;
            if (reply.writeSize > 0) {
                end = Math.min(limit, start + reply.writeSize);
            } else {
                end = nextEventEnd(reply.body, start, limit);
            }
            pieces.add(new int[] {start, end - start});
            start = end;
        }
        return pieces;
    }

    /** Just past the next blank line, LF (most providers) or CRLF (Gemini) alike. */
    private static int nextEventEnd(byte[] body, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (body[i] == '\n' && body[i + 1] == '\n') {
                return i + 2;
            }
            if (i + 3 < limit && body[i] == '\r' && body[i + 1] == '\n' && body[i + 2] == '\r' && body[i + 3] == '\n') {
                return i + 4;
            }
        }
        return limit;
    }

    private static RecordedRequest readRequest(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        String[] requestLine = lines[0].split(" ");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }
        int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
        String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
        return new RecordedRequest(requestLine[0], requestLine[1], Map.copyOf(headers), body);
    }

    private static void pause(Duration pause) {
        if (!pause.isZero()) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            case 529 -> "Overloaded";
            default -> "Status";
        };
    }
}
