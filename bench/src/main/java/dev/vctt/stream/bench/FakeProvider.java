package dev.vctt.stream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An OpenAI-compatible Chat Completions server on loopback that streams a fixed answer at a set
 * pace, for load runs. It writes what OpenAI writes: a role chunk, one chunk per token
 * ({@code "delta":{"content":"tok "}}), a {@code finish_reason} chunk, the usage chunk when
 * {@code stream_options.include_usage} asks for it, then {@code data: [DONE]}; each event is its
 * own HTTP/1.1 chunk, written when due. Connections are kept alive, as provider clients pool them.
 *
 * <p>One platform thread does everything (accepts, reads requests, writes every due token with
 * non-blocking writes, waking at most once per millisecond): it runs in the same process as the
 * server under test, so its own cost per token must stay small and is measured apart (its thread
 * is {@link HarnessThreads enlisted}). A request may override the run's settings with
 * {@code fake:tokens=N}, {@code fake:pace=R} (tokens/s; 0 = as fast as the socket takes them) and
 * {@code fake:ttft=MS} anywhere in its body, e.g. in the user message, which the server forwards.
 */
public final class FakeProvider implements AutoCloseable {

    /** What each stream sends unless its request says otherwise. */
    public record Settings(int tokens, double pace, long ttftMs, String tokenText) {
        public Settings {
            if (tokens < 1 || pace < 0 || ttftMs < 0 || tokenText.isEmpty()) {
                throw new IllegalArgumentException("bad fake provider settings");
            }
        }
    }

    private static final Pattern DIRECTIVE = Pattern.compile("fake:(tokens|pace|ttft)=([0-9]+(?:\\.[0-9]+)?)");
    private static final Pattern MODEL = Pattern.compile("\"model\"\\s*:\\s*\"([^\"\\\\]{1,100})\"");
    private static final Pattern INCLUDE_USAGE = Pattern.compile("\"include_usage\"\\s*:\\s*true");
    private static final Pattern MAX_TOKENS = Pattern.compile("\"max(?:_completion)?_tokens\"\\s*:\\s*([0-9]{1,9})");
    private static final int MAX_REQUEST_BYTES = 4 << 20;
    private static final long TICK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Settings settings;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Thread loop;
    private final PriorityQueue<Stream> due = new PriorityQueue<>((a, b) -> Long.compare(a.dueNs, b.dueNs));
    private final AtomicLong streamsStarted = new AtomicLong();
    private final AtomicLong streamsCompleted = new AtomicLong();
    private final AtomicLong tokensWritten = new AtomicLong();
    private final HarnessThreads harness;
    private volatile boolean closed;
    private long ids;

    private FakeProvider(Settings settings, HarnessThreads harness) throws IOException {
        this.settings = settings;
        this.harness = harness;
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
        loop = new Thread(this::run, "bench-provider");
        loop.setDaemon(true);
    }

    public static FakeProvider start(Settings settings, HarnessThreads harness) {
        try {
            var provider = new FakeProvider(settings, harness);
            provider.loop.start();
            return provider;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the fake provider", e);
        }
    }

    /** The base URL to give the server, {@code http://127.0.0.1:PORT/v1}. */
    public URI baseUrl() {
        try {
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            return URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port + "/v1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public long streamsStarted() {
        return streamsStarted.get();
    }

    public long streamsCompleted() {
        return streamsCompleted.get();
    }

    public long tokensWritten() {
        return tokensWritten.get();
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        harness.enlist();
        try {
            while (!closed) {
                long now = System.nanoTime();
                Stream next = due.peek();
                if (next == null) {
                    selector.select(50);
                } else if (next.dueNs <= now) {
                    selector.selectNow();
                } else {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.dueNs - now + TICK_NS - 1)));
                }
                handleKeys();
                writeDue(System.nanoTime());
            }
        } catch (IOException e) {
            if (!closed) {
                throw new UncheckedIOException("fake provider loop failed", e);
            }
        } catch (ClosedSelectorException e) {
            // closed while selecting: the loop is over
        } finally {
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key);
            }
            try {
                selector.close();
                listener.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    private void handleKeys() throws IOException {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid()) {
                continue;
            }
            if (key.isAcceptable()) {
                accept();
                continue;
            }
            Conn conn = (Conn) key.attachment();
            try {
                if (key.isWritable()) {
                    conn.flush();
                }
                if (key.isValid() && key.isReadable()) {
                    conn.read();
                }
            } catch (IOException | RuntimeException e) {
                // one bad connection must not stop the loop that serves all the others
                conn.close();
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel channel;
        while ((channel = listener.accept()) != null) {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            var conn = new Conn(channel);
            conn.key = channel.register(selector, SelectionKey.OP_READ, conn);
        }
    }

    /** Writes every due token once; a stream due again within this pass waits for the next one. */
    private void writeDue(long now) {
        Stream stream;
        while ((stream = due.peek()) != null && stream.dueNs <= now) {
            due.poll();
            if (stream.conn.closed) {
                continue;
            }
            try {
                if (stream.step(now)) {
                    due.add(stream);
                }
            } catch (IOException | RuntimeException e) {
                stream.conn.close();
            }
        }
    }

    private static void closeQuietly(SelectionKey key) {
        try {
            key.channel().close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    // ---------------------------------------------------------------- a connection

    private final class Conn {
        final SocketChannel channel;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(4096);
        ByteBuffer pending;
        Stream stream;
        boolean closed;
        /** A refusal is written: what the client still sends is read and dropped until it closes. */
        boolean refused;
        long dropped;

        Conn(SocketChannel channel) {
            this.channel = channel;
        }

        void read() throws IOException {
            if (refused) {
                dropRequest();
                return;
            }
            int n = channel.read(in);
            if (n < 0) {
                close();
                return;
            }
            if (!in.hasRemaining()) {
                if (in.capacity() >= MAX_REQUEST_BYTES) {
                    refuse(413, "{\"error\":{\"message\":\"request too large\"}}");
                    return;
                }
                ByteBuffer bigger = ByteBuffer.allocate(in.capacity() * 2);
                in.flip();
                bigger.put(in);
                in = bigger;
            }
            while (stream == null && !closed && !refused && handleRequest()) {
                // a pipelined request may follow
            }
        }

        /** Handles one whole request in {@code in}, if there is one; true if it did. */
        boolean handleRequest() throws IOException {
            byte[] bytes = in.array();
            int length = in.position();
            int headEnd = indexOf(bytes, length, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                return false;
            }
            String head = new String(bytes, 0, headEnd, StandardCharsets.ISO_8859_1);
            int contentLength = 0;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                String name = colon > 0 ? line.substring(0, colon).trim() : "";
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = Integer.parseInt(line.substring(colon + 1).trim());
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    // provider clients send a length; a chunked body is not worth parsing here
                    refuse(411, "{\"error\":{\"message\":\"send a Content-Length\"}}");
                    return false;
                }
            }
            if (contentLength < 0 || contentLength > MAX_REQUEST_BYTES) {
                refuse(413, "{\"error\":{\"message\":\"request too large\"}}");
                return false;
            }
            int total = headEnd + 4 + contentLength;
            if (length < total) {
                return false;
            }
            String body = new String(bytes, headEnd + 4, contentLength, StandardCharsets.UTF_8);
            in.flip();
            in.position(total);
            in.compact();
            String[] requestLine = head.substring(0, Math.max(0, head.indexOf("\r\n"))).split(" ");
            String method = requestLine.length > 0 ? requestLine[0] : "";
            String path = requestLine.length > 1 ? requestLine[1] : "";
            if (method.equals("POST") && (path.equals("/v1/chat/completions") || path.equals("/chat/completions"))) {
                startStream(body);
            } else if (method.equals("GET") && path.equals("/health")) {
                respond(200, "{\"status\":\"ok\"}");
            } else {
                respond(404, "{\"error\":{\"message\":\"unknown URL\",\"type\":\"invalid_request_error\"}}");
            }
            return true;
        }

        void startStream(String body) throws IOException {
            int tokens = settings.tokens();
            double pace = settings.pace();
            long ttftMs = settings.ttftMs();
            Matcher directive = DIRECTIVE.matcher(body);
            while (directive.find()) {
                double value = Double.parseDouble(directive.group(2));
                switch (directive.group(1)) {
                    case "tokens" -> tokens = Math.max(1, (int) value);
                    case "pace" -> pace = value;
                    default -> ttftMs = (long) value;
                }
            }
            String finish = "stop";
            Matcher max = MAX_TOKENS.matcher(body);
            if (max.find() && Integer.parseInt(max.group(1)) < tokens) {
                tokens = Math.max(1, Integer.parseInt(max.group(1)));
                finish = "length";
            }
            Matcher model = MODEL.matcher(body);
            stream = new Stream(this, new Answer(model.find() ? model.group(1) : "gpt-4o", "chatcmpl-bench" + (++ids),
                    settings.tokenText(), tokens, finish, INCLUDE_USAGE.matcher(body).find(),
                    Math.max(1, body.length() / 4)), pace, ttftMs);
            streamsStarted.incrementAndGet();
            write(stream.answer.head());
            due.add(stream);
        }

        void endStream() {
            stream = null;
            if (in.position() > 0) {
                try {
                    while (stream == null && !closed && handleRequest()) {
                        // pipelined
                    }
                } catch (IOException e) {
                    close();
                }
            }
        }

        void respond(int status, String json) throws IOException {
            respond(status, json, "");
        }

        /**
         * Answers and ends the connection the way HTTP servers do (a lingering close): the answer is
         * sent, the sending side shut, and what the client still sends (the body it was refused for)
         * is read and dropped until it closes. Closing at once with unread bytes would reset the
         * connection, and a reset can discard the answer before the client has read it.
         */
        void refuse(int status, String json) throws IOException {
            respond(status, json, "Connection: close\r\n");
            refused = true;
            in = ByteBuffer.allocate(4096);
            if (pending == null) {
                channel.shutdownOutput();
            }
        }

        private void dropRequest() throws IOException {
            in.clear();
            int n = channel.read(in);
            dropped += Math.max(0, n);
            if (n < 0 || dropped > MAX_REQUEST_BYTES) {
                close();
            }
        }

        private void respond(int status, String json, String extraHeaders) throws IOException {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\nContent-Type: application/json\r\n"
                    + extraHeaders + "Content-Length: " + body.length + "\r\n\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] whole = Arrays.copyOf(headBytes, headBytes.length + body.length);
            System.arraycopy(body, 0, whole, headBytes.length, body.length);
            write(whole);
        }

        /** Writes without blocking; what the socket does not take waits for OP_WRITE. */
        void write(byte[] bytes) throws IOException {
            if (pending != null) {
                append(bytes);
                return;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            channel.write(buffer);
            if (buffer.hasRemaining()) {
                pending = ByteBuffer.allocate(Math.max(8192, buffer.remaining() * 2));
                pending.put(buffer);
                pending.flip();
                key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
            }
        }

        private void append(byte[] bytes) {
            if (pending.capacity() - pending.limit() < bytes.length) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.remaining() + bytes.length));
                bigger.put(pending);
                bigger.flip();
                pending = bigger;
            }
            int position = pending.position();
            pending.position(pending.limit());
            pending.limit(pending.limit() + bytes.length);
            pending.put(bytes);
            pending.position(position);
        }

        void flush() throws IOException {
            if (pending == null) {
                key.interestOps(SelectionKey.OP_READ);
                return;
            }
            channel.write(pending);
            if (!pending.hasRemaining()) {
                pending = null;
                key.interestOps(SelectionKey.OP_READ);
                if (refused) {
                    channel.shutdownOutput();
                }
            }
        }

        void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    // ---------------------------------------------------------------- a stream

    /** The bytes of one answer, built once per request. */
    private record Answer(byte[] head, byte[] role, byte[] token, byte[] tail, int tokens) {

        Answer(String model, String id, String tokenText, int tokens, String finish, boolean includeUsage, int promptTokens) {
            this(httpHead(), roleEvent(prefix(model, id), includeUsage), tokenEvent(prefix(model, id), tokenText, includeUsage),
                    tailEvents(prefix(model, id), finish, includeUsage, promptTokens, tokens), tokens);
        }

        private static byte[] httpHead() {
            return ("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
                    + "Cache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        }

        private static String prefix(String model, String id) {
            return "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1764547200,\"model\":\""
                    + model + "\",\"system_fingerprint\":\"fp_bench\",\"choices\":[";
        }

        private static String usageNull(boolean includeUsage) {
            return includeUsage ? ",\"usage\":null" : "";
        }

        private static byte[] roleEvent(String prefix, boolean includeUsage) {
            return chunk(prefix + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                    + "\"logprobs\":null,\"finish_reason\":null}]" + usageNull(includeUsage) + "}\n\n");
        }

        private static byte[] tokenEvent(String prefix, String text, boolean includeUsage) {
            return chunk(prefix + "{\"index\":0,\"delta\":{\"content\":\"" + jsonEscape(text) + "\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]" + usageNull(includeUsage) + "}\n\n");
        }

        private static byte[] tailEvents(String prefix, String finish, boolean includeUsage, int prompt, int completion) {
            var out = new StringBuilder();
            out.append(new String(chunk(prefix + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\""
                    + finish + "\"}]" + usageNull(includeUsage) + "}\n\n"), StandardCharsets.UTF_8));
            if (includeUsage) {
                out.append(new String(chunk(prefix + "],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":"
                        + completion + ",\"total_tokens\":" + (prompt + completion) + ",\"completion_tokens_details\":"
                        + "{\"reasoning_tokens\":0}}}\n\n"), StandardCharsets.UTF_8));
            }
            out.append(new String(chunk("data: [DONE]\n\n"), StandardCharsets.UTF_8));
            out.append("0\r\n\r\n");
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }

        /** One HTTP/1.1 chunk: size in hex, CRLF, the bytes, CRLF. */
        private static byte[] chunk(String event) {
            byte[] data = event.getBytes(StandardCharsets.UTF_8);
            byte[] size = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[size.length + data.length + 2];
            System.arraycopy(size, 0, out, 0, size.length);
            System.arraycopy(data, 0, out, size.length, data.length);
            out[out.length - 2] = '\r';
            out[out.length - 1] = '\n';
            return out;
        }

        private static String jsonEscape(String text) {
            var out = new StringBuilder(text.length() + 8);
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }

    private final class Stream {
        final Conn conn;
        final Answer answer;
        final long intervalNs;
        long dueNs;
        int sent;
        boolean roleSent;

        Stream(Conn conn, Answer answer, double pace, long ttftMs) {
            this.conn = conn;
            this.answer = answer;
            this.intervalNs = pace > 0 ? (long) (1e9 / pace) : 0;
            this.dueNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ttftMs);
        }

        /** Writes what is due now; false once the answer is written out. */
        boolean step(long now) throws IOException {
            if (!roleSent) {
                conn.write(answer.role());
                roleSent = true;
            }
            conn.write(answer.token());
            sent++;
            tokensWritten.incrementAndGet();
            if (sent < answer.tokens()) {
                // a fixed schedule, so a late wake-up does not shift every later token; unpaced
                // streams take turns, one token each per pass
                dueNs = intervalNs > 0 ? dueNs + intervalNs : now + 1;
                return true;
            }
            // counted before the last bytes leave, so a client that has read them sees the count
            streamsCompleted.incrementAndGet();
            conn.write(answer.tail());
            conn.endStream();
            return false;
        }
    }

    private static int indexOf(byte[] bytes, int length, byte[] needle) {
        outer:
        for (int i = 0; i <= length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
