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
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streaming provider call: an HTTP POST whose SSE body is parsed and handed to a provider's
 * {@link SseEventMapper}. It runs on its own virtual thread, so every listener callback of the
 * stream happens on that thread, one at a time; it ends the listener exactly once.
 *
 * <p>Cancelling, and expiry of a deadline, close the response body (or interrupt the thread while
 * it still waits for the response headers), which closes the upstream connection at once.
 */
public final class SseStreamCall implements StreamHandle, StreamWatchdog.Watched, Runnable {

    private static final Logger log = LoggerFactory.getLogger(SseStreamCall.class);
    private static final int READ_BUFFER = 8192;
    private static final int MAX_DRAIN_BYTES = 64 << 10;

    /** Why the call was stopped from outside: a cancel, or a deadline. */
    private sealed interface Stop {
        record Cancel() implements Stop {
        }

        record Expired(FailureKind kind) implements Stop {
        }
    }

    private final HttpClient client;
    private final HttpRequest request;
    private final SseEventMapper mapper;
    private final CompletionListener listener;
    private final ProviderTimeouts timeouts;
    private final SseLimits limits;
    private final StreamWatchdog watchdog;

    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private final ReentrantLock phase = new ReentrantLock();
    private Thread runner;
    private boolean awaitingHeaders;
    private InputStream body;

    private final long startedNanos = System.nanoTime();
    private volatile long lastEventNanos = startedNanos;
    private volatile boolean firstTokenSeen;
    private volatile boolean ended;
    private volatile long endedNanos;

    private SseStreamCall(HttpClient client, HttpRequest request, SseEventMapper mapper, CompletionListener listener,
                          ProviderTimeouts timeouts, SseLimits limits, StreamWatchdog watchdog) {
        this.client = client;
        this.request = request;
        this.mapper = mapper;
        this.listener = listener;
        this.timeouts = timeouts;
        this.limits = limits;
        this.watchdog = watchdog;
    }

    /** Starts the call on a new thread of the factory (a virtual one) and returns its handle at once. */
    public static SseStreamCall start(HttpClient client, HttpRequest request, SseEventMapper mapper,
                                      CompletionListener listener, ProviderTimeouts timeouts, SseLimits limits,
                                      StreamWatchdog watchdog, ThreadFactory threads) {
        var call = new SseStreamCall(client, request, mapper, listener, timeouts, limits, watchdog);
        watchdog.watch(call);
        threads.newThread(call).start();
        return call;
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

    private void abort(Stop why) {
        if (!stop.compareAndSet(null, why)) {
            return;
        }
        InputStream toClose;
        phase.lock();
        try {
            if (awaitingHeaders) {
                runner.interrupt();
            }
            toClose = body;
        } finally {
            phase.unlock();
        }
        closeQuietly(toClose);
    }

    @Override
    public void run() {
        StreamOutcome outcome;
        InputStream in = null;
        try {
            HttpResponse<InputStream> response = send();
            if (response == null) {
                outcome = stopped(null);
            } else {
                in = response.body();
                outcome = response.statusCode() == 200 ? read(in) : httpFailure(response, in);
            }
        } catch (HttpConnectTimeoutException e) {
            outcome = stopped(transportFailure(FailureKind.TIMEOUT_CONNECT,
                    "cannot connect within " + timeouts.connect().toMillis() + " ms", e));
        } catch (ConnectException e) {
            outcome = stopped(transportFailure(FailureKind.CONNECT, "cannot connect", e));
        } catch (IOException e) {
            outcome = stopped(transportFailure(FailureKind.CONNECTION_LOST, "connection lost", e));
        } catch (InterruptedException e) {
            outcome = stopped(failure(FailureKind.CONNECTION_LOST, "interrupted while calling the provider"));
        } catch (SseFormatException e) {
            outcome = stopped(failure(FailureKind.MALFORMED_STREAM, e.getMessage()));
        } catch (ListenerFailed e) {
            log.error("a stream listener failed; the upstream call is closed", e.getCause());
            outcome = new StreamOutcome.Failed(ProviderFailure.of(FailureKind.INTERNAL, "listener failed"));
        } catch (RuntimeException e) {
            log.error("unexpected fault in a provider stream", e);
            outcome = new StreamOutcome.Failed(ProviderFailure.of(FailureKind.INTERNAL, "unexpected fault"));
        }
        try {
            end(outcome);
            if (outcome instanceof StreamOutcome.Completed && in != null) {
                drain(in);
            }
        } finally {
            watchdog.forget(this);
            closeQuietly(in);
        }
    }

    /** Sends the request; null if stopped before or while waiting for the response headers. */
    private HttpResponse<InputStream> send() throws IOException, InterruptedException {
        phase.lock();
        try {
            if (stop.get() != null) {
                return null;
            }
            runner = Thread.currentThread();
            awaitingHeaders = true;
        } finally {
            phase.unlock();
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } finally {
            phase.lock();
            try {
                awaitingHeaders = false;
            } finally {
                phase.unlock();
            }
            // an interrupt meant for the header wait must not leak into the rest of the stream
            Thread.interrupted();
        }
        phase.lock();
        try {
            body = response.body();
        } finally {
            phase.unlock();
        }
        if (stop.get() != null) {
            closeQuietly(response.body());
            return null;
        }
        return response;
    }

    private StreamOutcome read(InputStream in) throws IOException {
        var events = new Events();
        var parser = new SseParser(events, limits.maxLineBytes(), limits.maxEventChars());
        byte[] buffer = new byte[READ_BUFFER];
        while (events.result == null) {
            int n = in.read(buffer);
            if (n < 0) {
                parser.finish();
                return events.result != null ? events.result : stopped(new StreamOutcome.Failed(mapper.endedEarly()));
            }
            parser.feed(buffer, 0, n);
        }
        return stopped(events.result);
    }

    private StreamOutcome httpFailure(HttpResponse<InputStream> response, InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(limits.maxErrorBodyBytes());
        String text = new String(bytes, StandardCharsets.UTF_8);
        return stopped(new StreamOutcome.Failed(mapper.httpFailure(response.statusCode(), response.headers(), text,
                Instant.now())));
    }

    /** What a stop from outside makes of the outcome the call reached by itself. */
    private StreamOutcome stopped(StreamOutcome reached) {
        return switch (stop.get()) {
            case null -> reached;
            case Stop.Cancel cancel -> reached instanceof StreamOutcome.Completed ? reached : new StreamOutcome.Cancelled();
            case Stop.Expired expired -> reached instanceof StreamOutcome.Completed ? reached
                    : failure(expired.kind(), "no " + (expired.kind() == FailureKind.TIMEOUT_IDLE
                    ? "event for " + timeouts.idle().toMillis() : "token for " + timeouts.firstToken().toMillis()) + " ms");
        };
    }

    private void end(StreamOutcome outcome) {
        endedNanos = System.nanoTime();
        ended = true;
        try {
            listener.onEnd(outcome);
        } catch (RuntimeException e) {
            log.error("a stream listener failed at the end of its stream", e);
        }
    }

    /** Reads what follows the end marker, so the connection can go back to the pool. */
    private void drain(InputStream in) {
        try {
            byte[] buffer = new byte[READ_BUFFER];
            int total = 0;
            int n;
            while (total < MAX_DRAIN_BYTES && (n = in.read(buffer)) >= 0) {
                total += n;
            }
        } catch (IOException e) {
            // the answer is complete; a connection that cannot be reused is only closed
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

    /** Receives parsed events, hands them to the mapper, and the mapper's findings to the listener. */
    private final class Events implements SseParser.Handler, Emitter {

        private StreamOutcome result;

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

        @Override
        public void progress() {
            firstTokenSeen = true;
        }

        private void deliver(Runnable callback) {
            try {
                callback.run();
            } catch (RuntimeException e) {
                abort(new Stop.Expired(FailureKind.INTERNAL));
                throw new ListenerFailed(e);
            }
        }
    }
}
