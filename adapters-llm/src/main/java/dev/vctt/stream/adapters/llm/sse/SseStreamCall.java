package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming provider call: an HTTP POST whose SSE body is parsed and handed to a provider's
 * {@link SseEventMapper}. The body is pushed, one delivery at a time: a paced stream's delivery is
 * parsed, mapped and handed to the listener on the thread that read it (the HTTP client's selector
 * thread), so its chunk crosses no thread on its way in; deliveries that come back to back go, in
 * order, to a virtual thread of the stream (see {@link #SPARSE_NANOS}). The end (and an error
 * answer's body) runs on a virtual thread of its own, because the listener's end may block on the
 * database. Callbacks never overlap, and nothing follows the end, which comes exactly once.
 *
 * <p>Cancelling, and expiry of a deadline, cancel the exchange (or the body's subscription), which
 * closes the upstream connection at once.
 */
public final class SseStreamCall implements StreamHandle, StreamWatchdog.Watched, Runnable {

    private static final Logger log = LoggerFactory.getLogger(SseStreamCall.class);
    private static final int MAX_DRAIN_BYTES = 64 << 10;
    /**
     * When a delivery is relayed on the client's selector thread, which read it: when it is small
     * (a paced stream's delivery is one event of a few hundred bytes) and the stream's previous one
     * came longer ago than this. Relaying it there saves a thread wake-up per chunk, most of what a
     * paced chunk costs. Deliveries that come back to back, or many events at once, are a provider
     * ahead of the relay: they go to the stream's relayer, a virtual thread, so that one stream's
     * burst neither holds the other streams' reads behind it nor puts every stream's relaying on
     * this one thread (measured in docs/performance.md).
     */
    static final long SPARSE_NANOS = 5_000_000;
    /** The most bytes of a delivery relayed where it was read (see {@link #SPARSE_NANOS}). */
    public static final int INLINE_BYTES = 2048;
    /** How long a relayer waits for more before it ends (the next burst starts another). */
    static final long RELAYER_LINGER_NANOS = 5_000_000;

    /** Why the call was stopped from outside: a cancel, a deadline, or a listener that threw. */
    private sealed interface Stop {
        record Cancel() implements Stop {
        }

        record Expired(FailureKind kind) implements Stop {
        }

        record ListenerFault() implements Stop {
        }
    }

    private final HttpClient client;
    private final HttpRequest request;
    private final SseEventMapper mapper;
    /**
     * Guarded by {@link #callbacks}; dropped once the end is delivered, since the HTTP client keeps
     * the body handler (and so this call) reachable from a connection it pools for the next request.
     */
    private CompletionListener listener;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;
    private final ThreadFactory threads;
    /** The thread sending the request while it does so, if its caller's: no callback may run on it. */
    private volatile Thread sender;

    private final AtomicReference<Stop> stop = new AtomicReference<>();
    /** Guards what {@link #abort} must reach: the exchange before the headers, the body after. */
    private final ReentrantLock phase = new ReentrantLock();
    private CompletableFuture<HttpResponse<InputStream>> exchange;
    private Flow.Subscription subscription;
    private InputStream errorBody;

    /** Held by every callback, so the end never overlaps a chunk still being delivered. */
    private final ReentrantLock callbacks = new ReentrantLock();
    private boolean endDelivered;
    private final AtomicBoolean endClaimed = new AtomicBoolean();
    private volatile boolean bodyOver;
    private volatile boolean endOver;

    private final long startedNanos = System.nanoTime();
    private volatile long lastEventNanos = startedNanos;
    private volatile boolean firstTokenSeen;
    private volatile boolean ended;
    private volatile long endedNanos;

    private SseStreamCall(HttpClient client, HttpRequest request, SseEventMapper mapper, CompletionListener listener,
                          ProviderTimeouts timeouts, SseLimits limits, StreamWatchdog watchdog, ThreadFactory threads) {
        this.client = client;
        this.request = request;
        this.mapper = mapper;
        this.listener = listener;
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
        this.threads = threads;
    }

    /**
     * Starts the call and returns its handle without waiting for the provider. A virtual caller sends
     * the request itself (handing it to another thread cost a wake-up, a tenth of what the server adds
     * to a first chunk: docs/performance.md); any other caller, which may be an I/O thread, has it sent
     * from a new thread of the factory, since resolving the provider's host may block. Either way no
     * callback runs on the caller's thread (see {@link #sender}).
     */
    public static SseStreamCall start(HttpClient client, HttpRequest request, SseEventMapper mapper,
                                      CompletionListener listener, ProviderTimeouts timeouts, SseLimits limits,
                                      StreamWatchdog watchdog, ThreadFactory threads) {
        var call = new SseStreamCall(client, request, mapper, listener, timeouts, limits, watchdog, threads);
        watchdog.watch(call);
        if (Thread.currentThread().isVirtual()) {
            call.sendFromCaller();
        } else {
            threads.newThread(call).start();
        }
        return call;
    }

    /**
     * Sends on the caller's thread. The HTTP client may read an answer already there on the thread
     * that asks for it; a body delivered so is handed to the relayer, since the caller may hold the
     * lock the listener takes and expects no callback before it returns.
     */
    private void sendFromCaller() {
        sender = Thread.currentThread();
        try {
            run();
        } finally {
            sender = null;
        }
    }

    @Override
    public void cancel() {
        abort(new Stop.Cancel());
    }

    @Override
    public boolean isCancelled() {
        return stop.get() instanceof Stop.Cancel;
    }

    @Override
    public void checkDeadlines(long now) {
        if (stop.get() != null) {
            return;
        }
        if (ended) {
            // still draining what follows the end marker; a server that never closes is closed on
            if (now - endedNanos > timeouts.idle().toNanos()) {
                abort(new Stop.Expired(FailureKind.TIMEOUT_IDLE));
            }
        } else if (!firstTokenSeen) {
            if (now - startedNanos > timeouts.firstToken().toNanos()) {
                abort(new Stop.Expired(FailureKind.TIMEOUT_FIRST_TOKEN));
            }
        } else if (now - lastEventNanos > timeouts.idle().toNanos()) {
            abort(new Stop.Expired(FailureKind.TIMEOUT_IDLE));
        }
    }

    /**
     * Stops the call from any thread. Before the headers the exchange is cancelled, and its failure
     * ends the stream; after them the body's subscription is cancelled and the stream ends here.
     */
    private void abort(Stop why) {
        if (!stop.compareAndSet(null, why)) {
            return;
        }
        Flow.Subscription body;
        CompletableFuture<?> pending;
        InputStream error;
        phase.lock();
        try {
            body = subscription;
            pending = exchange;
            error = errorBody;
        } finally {
            phase.unlock();
        }
        if (body != null) {
            body.cancel();
            end(stopped(null));
            bodyOver();
        } else if (pending != null) {
            pending.cancel(true);
        }
        closeQuietly(error);
    }

    /** Sends the request; what comes back is handled by {@link #received} and the body's {@link Push}. */
    @Override
    public void run() {
        phase.lock();
        try {
            if (stop.get() == null) {
                exchange = client.sendAsync(request, this::bodyFor);
            }
        } catch (RuntimeException e) {
            log.error("cannot send a provider request", e);
            bodyOver();
            end(failure(FailureKind.INTERNAL, "the request could not be sent"));
            return;
        } finally {
            phase.unlock();
        }
        if (exchange == null) {
            bodyOver();
            end(stopped(null));
            return;
        }
        exchange.whenComplete(this::received);
    }

    /** A 200 answer is pushed through the SSE parser; any other is read whole, as the error it is. */
    private HttpResponse.BodySubscriber<InputStream> bodyFor(HttpResponse.ResponseInfo info) {
        return info.statusCode() == 200 ? new Push() : HttpResponse.BodySubscribers.ofInputStream();
    }

    /** The exchange is over (headers in, or no answer at all); runs on the client's thread. */
    private void received(HttpResponse<InputStream> response, Throwable fault) {
        if (fault != null) {
            bodyOver();
            end(stopped(exchangeFailure(fault instanceof CompletionException && fault.getCause() != null
                    ? fault.getCause() : fault)));
        } else if (response.statusCode() != 200) {
            InputStream in = response.body();
            phase.lock();
            try {
                errorBody = in;
            } finally {
                phase.unlock();
            }
            if (stop.get() != null) {
                closeQuietly(in);
            }
            // reading the error body blocks: never on the client's thread
            threads.newThread(() -> readErrorAnswer(response, in)).start();
        }
    }

    private StreamOutcome exchangeFailure(Throwable fault) {
        return switch (fault) {
            // null: cancelled by abort, whose stop says what the outcome is
            case CancellationException cancelled -> stop.get() != null ? null
                    : failure(FailureKind.CONNECTION_LOST, "the exchange was cancelled");
            case HttpConnectTimeoutException timeout -> transportFailure(FailureKind.TIMEOUT_CONNECT,
                    "cannot connect within " + timeouts.connect().toMillis() + " ms", timeout);
            case ConnectException refused -> transportFailure(FailureKind.CONNECT, "cannot connect", refused);
            case IOException lost -> transportFailure(FailureKind.CONNECTION_LOST, "connection lost", lost);
            default -> {
                log.error("unexpected fault in a provider stream", fault);
                yield failure(FailureKind.INTERNAL, "unexpected fault");
            }
        };
    }

    private void readErrorAnswer(HttpResponse<InputStream> response, InputStream in) {
        StreamOutcome outcome;
        try {
            byte[] bytes = in.readNBytes(limits.maxErrorBodyBytes());
            String text = new String(bytes, StandardCharsets.UTF_8);
            outcome = stopped(new StreamOutcome.Failed(mapper.httpFailure(response.statusCode(), response.headers(),
                    text, Instant.now())));
        } catch (IOException e) {
            outcome = stopped(transportFailure(FailureKind.CONNECTION_LOST, "connection lost", e));
        } finally {
            closeQuietly(in);
            bodyOver();
        }
        end(outcome);
    }

    /** What a stop from outside makes of the outcome the call reached by itself (null: none yet). */
    private StreamOutcome stopped(StreamOutcome reached) {
        return switch (stop.get()) {
            case null -> reached;
            case Stop.Cancel cancel -> reached instanceof StreamOutcome.Completed ? reached : new StreamOutcome.Cancelled();
            case Stop.ListenerFault fault -> failure(FailureKind.INTERNAL, "listener failed");
            case Stop.Expired expired -> reached instanceof StreamOutcome.Completed ? reached
                    : failure(expired.kind(), "no " + (expired.kind() == FailureKind.TIMEOUT_IDLE
                    ? "event for " + timeouts.idle().toMillis() : "token for " + timeouts.firstToken().toMillis()) + " ms");
        };
    }

    /**
     * Ends the stream, once, whoever gets here first. The listener hears it on a virtual thread of
     * its own (its end writes the session and may block), after any chunk still being delivered.
     */
    private void end(StreamOutcome outcome) {
        if (!endClaimed.compareAndSet(false, true)) {
            return;
        }
        endedNanos = System.nanoTime();
        ended = true;
        threads.newThread(() -> deliverEnd(outcome)).start();
    }

    private void deliverEnd(StreamOutcome outcome) {
        callbacks.lock();
        try {
            endDelivered = true;
            listener.onEnd(outcome);
        } catch (RuntimeException e) {
            log.error("a stream listener failed at the end of its stream", e);
        } finally {
            listener = null;
            callbacks.unlock();
            endOver = true;
            if (bodyOver) {
                watchdog.forget(this);
            }
        }
    }

    /** The body is read, cancelled or never came; once the end is delivered too, nothing is left to watch. */
    private void bodyOver() {
        bodyOver = true;
        if (endOver) {
            watchdog.forget(this);
        }
    }

    /**
     * A failure of the connection to the provider. Its detail reaches clients (stream_error, the
     * session record), so it says what went wrong but never where: the host and port go to the log.
     */
    private StreamOutcome.Failed transportFailure(FailureKind kind, String what, Throwable fault) {
        String why = HttpFailures.describe(fault);
        log.warn("{} to {}: {}", what, HttpFailures.target(request.uri()), why);
        return failure(kind, what + " (" + HttpFailures.withoutAddress(why, request.uri()) + ")");
    }

    private static StreamOutcome.Failed failure(FailureKind kind, String detail) {
        return new StreamOutcome.Failed(ProviderFailure.of(kind, detail));
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing is all we wanted
            }
        }
    }

    /** A listener threw: the stream must stop, and the fault is ours, not the provider's. */
    private static final class ListenerFailed extends RuntimeException {
        ListenerFailed(RuntimeException cause) {
            super(cause);
        }
    }

    /**
     * The 200 answer's body, pushed by the HTTP client one buffer at a time (the next is asked for
     * once this one is parsed and relayed: the flow control is the listener's own pace, which never
     * blocks). The client's signals come one at a time; what they hand to the relayer runs after
     * them, in order, and {@code relaying} keeps the two from ever running at once.
     */
    private final class Push implements HttpResponse.BodySubscriber<InputStream>, SseParser.Handler, Emitter {

        private final SseParser parser = new SseParser(this, limits.maxLineBytes(), limits.maxEventChars());
        private final ReentrantLock relaying = new ReentrantLock();
        private final Condition handedOffWork = relaying.newCondition();
        /** Deliveries and the body's end handed to the relayer, in the order they came. */
        private final ArrayDeque<Runnable> handedOff = new ArrayDeque<>();
        private boolean relayerRunning;
        private long lastDeliveryNanos;
        private Flow.Subscription body;
        private StreamOutcome result;
        private int drained;
        private byte[] scratch;

        @Override
        public CompletionStage<InputStream> getBody() {
            // the exchange completes with the headers; the body reaches the listener, not the response
            return CompletableFuture.completedStage(null);
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            body = subscription;
            phase.lock();
            try {
                SseStreamCall.this.subscription = subscription;
            } finally {
                phase.unlock();
            }
            if (stop.get() != null) {
                // stopped while the headers were on their way: abort may not have seen the subscription
                subscription.cancel();
                end(stopped(null));
                bodyOver();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (stop.get() != null) {
                return;
            }
            long now = System.nanoTime();
            boolean sparse = now - lastDeliveryNanos > SPARSE_NANOS;
            lastDeliveryNanos = now;
            boolean mayRunHere = sparse && bytes(buffers) <= INLINE_BYTES && Thread.currentThread() != sender;
            if (!handOff(() -> relay(buffers), mayRunHere)) {
                relay(buffers);
            }
        }

        private void relay(List<ByteBuffer> buffers) {
            if (relayed(buffers)) {
                body.request(1);
            }
        }

        /**
         * Gives work to the stream's relayer, a virtual thread: when it is running (the work queues
         * behind what it has), or when the work may not run on the calling thread (it starts). False:
         * the caller runs the work itself, which cannot overlap the relayer's (none is running, and
         * only the client's serial signals start one).
         */
        private boolean handOff(Runnable work, boolean mayRunHere) {
            relaying.lock();
            try {
                if (!relayerRunning && mayRunHere) {
                    return false;
                }
                handedOff.add(work);
                if (relayerRunning) {
                    handedOffWork.signal();
                } else {
                    relayerRunning = true;
                    threads.newThread(this::relayHandedOff).start();
                }
                return true;
            } finally {
                relaying.unlock();
            }
        }

        /** The relayer: runs what was handed off, in order, until nothing came for a while. */
        private void relayHandedOff() {
            while (true) {
                Runnable work;
                relaying.lock();
                try {
                    long wait = RELAYER_LINGER_NANOS;
                    while ((work = handedOff.poll()) == null && wait > 0) {
                        try {
                            wait = handedOffWork.awaitNanos(wait);
                        } catch (InterruptedException e) {
                            // nobody interrupts a relayer; its work must not be dropped if one does
                        }
                    }
                    if (work == null) {
                        relayerRunning = false;
                        return;
                    }
                } finally {
                    relaying.unlock();
                }
                work.run();
            }
        }

        private static long bytes(List<ByteBuffer> buffers) {
            long bytes = 0;
            for (ByteBuffer buffer : buffers) {
                bytes += buffer.remaining();
            }
            return bytes;
        }

        /** Parses and relays one delivery; true if the next may be asked for. */
        private boolean relayed(List<ByteBuffer> buffers) {
            if (stop.get() != null) {
                return false;
            }
            try {
                for (ByteBuffer buffer : buffers) {
                    if (result != null) {
                        drained += buffer.remaining();
                    } else {
                        feed(buffer);
                    }
                }
            } catch (SseFormatException e) {
                failNow(stopped(failure(FailureKind.MALFORMED_STREAM, e.getMessage())));
                return false;
            } catch (ListenerFailed e) {
                log.error("a stream listener failed; the upstream call is closed", e.getCause());
                return false;
            } catch (RuntimeException e) {
                log.error("unexpected fault in a provider stream", e);
                failNow(failure(FailureKind.INTERNAL, "unexpected fault"));
                return false;
            }
            if (result != null) {
                end(stopped(result));
                if (drained > MAX_DRAIN_BYTES) {
                    // the answer is complete; a connection that says more than this is only closed
                    body.cancel();
                    bodyOver();
                    return false;
                }
            }
            return true;
        }

        private void feed(ByteBuffer buffer) {
            if (buffer.hasArray()) {
                parser.feed(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            } else {
                int n = buffer.remaining();
                if (scratch == null || scratch.length < n) {
                    scratch = new byte[n];
                }
                buffer.get(buffer.position(), scratch, 0, n);
                parser.feed(scratch, 0, n);
            }
        }

        private void failNow(StreamOutcome outcome) {
            body.cancel();
            end(outcome);
            bodyOver();
        }

        @Override
        public void onError(Throwable fault) {
            if (!handOff(() -> failed(fault), true)) {
                failed(fault);
            }
        }

        private void failed(Throwable fault) {
            if (result == null && stop.get() == null) {
                end(stopped(fault instanceof IOException lost
                        ? transportFailure(FailureKind.CONNECTION_LOST, "connection lost", lost)
                        : exchangeFailure(fault)));
            }
            bodyOver();
        }

        @Override
        public void onComplete() {
            if (!handOff(this::completed, true)) {
                completed();
            }
        }

        private void completed() {
            if (result == null && stop.get() == null) {
                try {
                    parser.finish();
                } catch (SseFormatException e) {
                    result = failure(FailureKind.MALFORMED_STREAM, e.getMessage());
                } catch (ListenerFailed e) {
                    log.error("a stream listener failed; the upstream call is closed", e.getCause());
                }
                end(stopped(result != null ? result : new StreamOutcome.Failed(mapper.endedEarly())));
            }
            bodyOver();
        }

        @Override
        public void onEvent(SseEvent event) {
            if (result != null || stop.get() != null) {
                return;
            }
            lastEventNanos = System.nanoTime();
            switch (mapper.onEvent(event, this)) {
                case Step.Continue ignored -> {
                }
                case Step.Done done -> result = new StreamOutcome.Completed(done.reason());
                case Step.Fail fail -> result = new StreamOutcome.Failed(fail.failure());
            }
        }

        @Override
        public void text(String text) {
            if (text.isEmpty() || stop.get() != null) {
                return;
            }
            firstTokenSeen = true;
            deliver(() -> listener.onDelta(new TextDelta(text)));
        }

        @Override
        public void usage(ReportedUsage usage) {
            deliver(() -> listener.onUsage(usage));
        }

        @Override
        public void toolCall(ToolCall call) {
            if (stop.get() != null) {
                return;
            }
            firstTokenSeen = true;
            deliver(() -> listener.onToolCall(call));
        }

        /** A per-chunk callback: never beside the end's, never after it. */
        private void deliver(Runnable callback) {
            callbacks.lock();
            try {
                if (!endDelivered) {
                    callback.run();
                }
            } catch (RuntimeException e) {
                throw listenerFailed(e);
            } finally {
                callbacks.unlock();
            }
        }

        @Override
        public void progress() {
            firstTokenSeen = true;
        }

        private ListenerFailed listenerFailed(RuntimeException e) {
            abort(new Stop.ListenerFault());
            return new ListenerFailed(e);
        }
    }
}
