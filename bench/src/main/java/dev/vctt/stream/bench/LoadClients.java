package dev.vctt.stream.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * One pass of WebSocket clients: opens {@code connections} connections (round-robin over the
 * servers' ports when there are several), sends one stream request on
 * each (spread over the stagger window), and on each a further request as soon as the previous
 * stream ended, {@code rounds} in all. Records, per stream, the time from sending the request to
 * its first {@code stream_chunk} and the gaps between its chunks.
 *
 * <p>Client callbacks run on the {@link HttpClient}'s selector thread (a direct executor): the
 * clients share the CPU with the server under test, so they must not wake a pool thread per frame.
 */
final class LoadClients {

    /** The text of every token the fake provider writes; a chunk's length tells how many tokens it carries. */
    static final String TOKEN_TEXT = "tok ";

    /** What one stream saw. */
    static final class StreamStat {
        /** The server it ran on: its place in the ports the clients were given. */
        final int node;
        volatile long chars;
        volatile long sentNs;
        volatile long firstChunkNs;
        volatile long lastChunkNs;
        volatile int chunks;
        volatile boolean completed;
        volatile String error;

        StreamStat(int node) {
            this.node = node;
        }

        boolean ended() {
            return completed || error != null;
        }
    }

    /** A band's members, in order: the three thinking roles first, as a band_request without roles has. */
    private static final List<String> BAND_ROLES = List.of("analyst", "relational", "ethics", "primary", "analyst");

    private final LoadOptions.Protocol protocol;
    /** The roles of each band_request as a JSON array, or empty for single streams. */
    private final String bandRoles;
    /** Per node; connection i goes to node i mod N, as a round-robin balancer would send it. */
    private final URI[] uris;
    private final int connections;
    private final int rounds;
    private final String message;
    private final HttpClient[] clients;
    private final HarnessThreads harness;
    private final StreamStat[] stats;
    private final Slot[] slots;
    private final CountDownLatch connected;
    private final CountDownLatch ended;
    final ConcurrentHistogram gapsMicros = new ConcurrentHistogram(3);
    final AtomicLong chunks = new AtomicLong();
    final AtomicLong tokens = new AtomicLong();
    /** Per token: how much later than its place in the provider's schedule it arrived (paced runs only). */
    final ConcurrentHistogram lagMicros = new ConcurrentHistogram(3);
    private volatile double tokensPerSecond;
    final AtomicLong firstSendNs = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong lastChunkNs = new AtomicLong();
    final Map<String, AtomicInteger> errors = new ConcurrentHashMap<>();

    LoadClients(LoadOptions.Protocol protocol, int serverPort, int connections, int rounds, String message,
                HttpClient[] clients, HarnessThreads harness) {
        this(protocol, new int[] {serverPort}, connections, rounds, message, clients, harness, 0);
    }

    /**
     * With {@code bandMembers > 0} each request is a {@code band_request} of that many members and a
     * synthesis (no verification); a "stream" then ends at {@code band_complete}, its chunks are every
     * member's and the synthesis's, its first chunk is the first of any member, and its gaps are
     * between chunks of the connection, whichever member wrote them.
     */
    LoadClients(LoadOptions.Protocol protocol, int[] serverPorts, int connections, int rounds, String message,
                HttpClient[] clients, HarnessThreads harness, int bandMembers) {
        this.bandRoles = bandMembers == 0 ? "" : IntStream.range(0, bandMembers)
                .mapToObj(i -> "\"" + BAND_ROLES.get(i % BAND_ROLES.size()) + "\"").collect(Collectors.joining(",", "[", "]"));
        this.protocol = protocol;
        this.uris = Arrays.stream(serverPorts).mapToObj(port -> URI.create("ws://127.0.0.1:" + port
                + (protocol == LoadOptions.Protocol.NATIVE ? "/stream" : "/socket.io/?EIO=4&transport=websocket")))
                .toArray(URI[]::new);
        this.connections = connections;
        this.rounds = rounds;
        this.message = message;
        this.clients = clients;
        this.harness = harness;
        this.stats = new StreamStat[connections * rounds];
        for (int i = 0; i < stats.length; i++) {
            stats[i] = new StreamStat(i % connections % uris.length);
        }
        this.slots = new Slot[connections];
        this.connected = new CountDownLatch(connections);
        this.ended = new CountDownLatch(connections * rounds);
    }

    static HttpClient[] httpClients(int count) {
        var clients = new HttpClient[count];
        for (int i = 0; i < count; i++) {
            clients[i] = HttpClient.newBuilder().executor(Runnable::run).connectTimeout(Duration.ofSeconds(30)).build();
        }
        return clients;
    }

    /** The provider's pace, to tell when each token was due; 0 (unpaced) records no lag. */
    void pacedAt(double rate) {
        this.tokensPerSecond = rate;
    }

    StreamStat[] stats() {
        return stats;
    }

    /** Opens every connection, at most {@code concurrency} handshakes at once; false if some did not open in time. */
    boolean connect(int concurrency, long deadlineNs) throws InterruptedException {
        var inFlight = new Semaphore(concurrency);
        for (int i = 0; i < connections; i++) {
            if (!inFlight.tryAcquire(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            var slot = new Slot(i);
            slots[i] = slot;
            slot.opened.whenComplete((ok, e) -> inFlight.release());
            clients[i % clients.length].newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(uris[i % uris.length], slot)
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            slot.failConnection("connect: " + rootMessage(e));
                        }
                    });
        }
        for (int i = 0; i < connections; i++) {
            if (slots[i] == null) {
                slots[i] = new Slot(i);
                slots[i].failConnection("connect: not attempted before the deadline");
            }
        }
        return connected.await(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** Sends the first request on every connection, spread over {@code staggerMs}. */
    void start(ScheduledExecutorService scheduler, long staggerMs) {
        for (int i = 0; i < connections; i++) {
            Slot slot = slots[i];
            long delayNs = connections == 1 ? 0 : TimeUnit.MILLISECONDS.toNanos(staggerMs) * i / connections;
            scheduler.schedule(() -> {
                harness.enlist();
                slot.send(0);
            }, delayNs, TimeUnit.NANOSECONDS);
        }
    }

    /** Waits until every stream ended; streams still open at the deadline count as timed out. */
    boolean await(long deadlineNs) throws InterruptedException {
        boolean all = ended.await(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (!all) {
            for (StreamStat stat : stats) {
                if (!stat.ended()) {
                    fail(stat, "timeout: not ended in time");
                }
            }
        }
        return all;
    }

    void close() {
        for (Slot slot : slots) {
            if (slot != null && slot.ws != null) {
                slot.ws.abort();
            }
        }
    }

    private void fail(StreamStat stat, String error) {
        synchronized (stat) {
            if (stat.ended()) {
                return;
            }
            stat.error = error;
        }
        errors.computeIfAbsent(error, k -> new AtomicInteger()).incrementAndGet();
        ended.countDown();
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    /** One connection and the streams it runs one after another. */
    private final class Slot implements WebSocket.Listener {
        final int index;
        final CompletableFuture<Boolean> opened = new CompletableFuture<>();
        volatile WebSocket ws;
        volatile int round = -1;
        private final StringBuilder partial = new StringBuilder();
        private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

        Slot(int index) {
            this.index = index;
        }

        StreamStat current() {
            int r = round;
            return r < 0 || r >= rounds ? null : stats[r * connections + index];
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            harness.enlist();
            ws = webSocket;
            if (protocol == LoadOptions.Protocol.NATIVE && opened.complete(true)) {
                connected.countDown();
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            harness.enlist();
            long now = System.nanoTime();
            if (!last || !partial.isEmpty()) {
                partial.append(data);
                if (!last) {
                    webSocket.request(1);
                    return null;
                }
                data = partial.toString();
                partial.setLength(0);
            }
            onFrame(data.toString(), now);
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failConnection("closed by the server: " + statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failConnection("connection error: " + rootMessage(error));
        }

        synchronized void failConnection(String why) {
            if (opened.complete(false)) {
                connected.countDown();
            }
            if (round >= rounds) {
                return;
            }
            StreamStat stat = current();
            int from = stat == null || stat.ended() ? round + 1 : round;
            for (int r = Math.max(0, from); r < rounds; r++) {
                fail(stats[r * connections + index], r == from ? why : "not started: the connection was lost");
            }
            round = rounds;
        }

        void send(int r) {
            if (r >= rounds || ws == null || round >= rounds) {
                return;
            }
            round = r;
            StreamStat stat = stats[r * connections + index];
            String requestId = "b" + index + "-" + r;
            String event = bandRoles.isEmpty() ? "stream_request" : "band_request";
            String data = bandRoles.isEmpty()
                    ? "{\"message\":\"" + message + "\",\"agentRole\":\"analyst\",\"requestId\":\"" + requestId + "\"}"
                    : "{\"message\":\"" + message + "\",\"roles\":" + bandRoles + ",\"synthesis\":true,"
                            + "\"verification\":false,\"requestId\":\"" + requestId + "\"}";
            String frame = protocol == LoadOptions.Protocol.NATIVE
                    ? "{\"event\":\"" + event + "\",\"data\":" + data + "}"
                    : "42/stream,[\"" + event + "\"," + data + "]";
            long now = System.nanoTime();
            stat.sentNs = now;
            firstSendNs.accumulateAndGet(now, Math::min);
            sendText(frame);
        }

        private synchronized void sendText(String frame) {
            WebSocket socket = ws;
            // a WebSocket takes one send at a time: each waits for the one before
            sending = sending.thenCompose(x -> socket.sendText(frame, true)).exceptionally(e -> {
                failConnection("send failed: " + rootMessage(e));
                return null;
            });
        }

        private void onFrame(String frame, long now) {
            String event;
            int dataAt;
            if (protocol == LoadOptions.Protocol.NATIVE) {
                // {"event":"NAME","data":{...}}; the server writes the event first
                int start = frame.indexOf("\"event\":\"");
                if (start < 0) {
                    return;
                }
                start += 9;
                int end = frame.indexOf('"', start);
                event = frame.substring(start, end);
                dataAt = end;
            } else {
                if (frame.equals("2")) {
                    sendText("3");
                    return;
                }
                if (frame.startsWith("0{")) {
                    sendText("40/stream,");
                    return;
                }
                if (frame.startsWith("40/stream,")) {
                    if (opened.complete(true)) {
                        connected.countDown();
                    }
                    return;
                }
                if (!frame.startsWith("42/stream,[\"")) {
                    return;
                }
                int start = 12;
                int end = frame.indexOf('"', start);
                event = frame.substring(start, end);
                dataAt = end;
            }
            StreamStat stat = current();
            if (stat == null || stat.ended()) {
                return;
            }
            boolean band = !bandRoles.isEmpty();
            switch (event) {
                case "stream_chunk" -> chunk(stat, now, chunkLength(frame, dataAt));
                case "stream_complete" -> {
                    if (!band) {
                        complete(stat);
                    }
                }
                case "band_complete" -> complete(stat);
                case "stream_error" -> {
                    if (band && frame.indexOf("\"bandId\"", dataAt) >= 0) {
                        // a member failed; its band still ends with band_complete
                        int code = frame.indexOf("\"code\":\"", dataAt);
                        errors.computeIfAbsent("member stream_error " + (code < 0 ? "?"
                                : frame.substring(code + 8, frame.indexOf('"', code + 8))), k -> new AtomicInteger())
                                .incrementAndGet();
                        return;
                    }
                    int code = frame.indexOf("\"code\":\"", dataAt);
                    fail(stat, "stream_error " + (code < 0 ? "?" : frame.substring(code + 8, frame.indexOf('"', code + 8))));
                    send(round + 1);
                }
                default -> {
                    // stream_start, heartbeats, fallbacks: nothing to count
                }
            }
        }

        /** The length of the frame's {@code "chunk"} text (the fake's tokens need no JSON escapes); 0 if absent. */
        private static int chunkLength(String frame, int dataAt) {
            int start = frame.indexOf("\"chunk\":\"", dataAt);
            if (start < 0) {
                return 0;
            }
            start += 9;
            return Math.max(0, frame.indexOf('"', start) - start);
        }

        private void chunk(StreamStat stat, long now, int length) {
            int seen = stat.chunks;
            if (seen == 0) {
                stat.firstChunkNs = now;
            } else {
                gapsMicros.recordValue(Math.max(0, (now - stat.lastChunkNs) / 1000));
            }
            long tokensBefore = stat.chars / TOKEN_TEXT.length();
            stat.chars += length;
            long tokensAfter = stat.chars / TOKEN_TEXT.length();
            tokens.addAndGet(tokensAfter - tokensBefore);
            double rate = tokensPerSecond;
            if (rate > 0) {
                for (long k = tokensBefore; k < tokensAfter; k++) {
                    long due = stat.firstChunkNs + (long) (k * 1e9 / rate);
                    lagMicros.recordValue(Math.max(0, (now - due) / 1000));
                }
            }
            stat.lastChunkNs = now;
            stat.chunks = seen + 1;
            chunks.incrementAndGet();
            lastChunkNs.accumulateAndGet(now, Math::max);
        }

        private void complete(StreamStat stat) {
            synchronized (stat) {
                if (stat.ended()) {
                    return;
                }
                stat.completed = true;
            }
            ended.countDown();
            send(round + 1);
        }
    }
}
