package dev.vctt.stream.adapters.llm.demo;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenEstimate;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo stream, run on its own thread: waits, then hands out the answer's tokens one interval
 * apart. Cancelling wakes the thread, which stops before the next token and ends the stream as
 * cancelled; the end comes exactly once, from the stream's thread.
 */
final class DemoStream implements StreamHandle, Runnable {

    private static final Logger log = LoggerFactory.getLogger(DemoStream.class);

    private final DemoAnswer answer;
    private final CompletionRequest request;
    private final CompletionListener listener;
    private final Duration firstToken;
    private final Duration perToken;
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private volatile Thread runner;

    DemoStream(DemoAnswer answer, CompletionRequest request, CompletionListener listener, Duration firstToken,
               Duration perToken) {
        this.answer = answer;
        this.request = request;
        this.listener = listener;
        this.firstToken = firstToken;
        this.perToken = perToken;
    }

    @Override
    public void cancel() {
        if (cancelled.compareAndSet(false, true)) {
            Thread thread = runner;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled.get();
    }

    @Override
    public void run() {
        runner = Thread.currentThread();
        StreamOutcome outcome;
        try {
            outcome = play();
        } catch (RuntimeException e) {
            log.error("a demo stream listener failed; the stream stops", e);
            cancelled.set(true);
            outcome = new StreamOutcome.Failed(ProviderFailure.of(FailureKind.INTERNAL, "listener failed"));
        }
        try {
            listener.onEnd(outcome);
        } catch (RuntimeException e) {
            log.error("a demo stream listener failed at the end of its stream", e);
        }
    }

    private StreamOutcome play() {
        if (!pause(firstToken)) {
            return new StreamOutcome.Cancelled();
        }
        int limit = request.maxOutputTokens().orElse(Integer.MAX_VALUE);
        int sent = 0;
        for (String token : answer.tokens()) {
            if (sent == limit) {
                listener.onUsage(usage(sent));
                return new StreamOutcome.Completed(FinishReason.LENGTH);
            }
            if ((sent > 0 && !pause(perToken)) || cancelled.get()) {
                return new StreamOutcome.Cancelled();
            }
            listener.onDelta(new TextDelta(token));
            sent++;
        }
        listener.onUsage(usage(sent));
        return new StreamOutcome.Completed(FinishReason.STOP);
    }

    private ReportedUsage usage(int outputTokens) {
        long chars = request.conversation().stream().map(ChatTurn::content).mapToLong(String::length).sum();
        return ReportedUsage.of(TokenEstimate.ofChars(chars).value(), outputTokens);
    }

    /** Waits for the duration; false if cancelled first (at once, not at the end of the wait). */
    private boolean pause(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!cancelled.get()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(this, left);
        }
        return false;
    }
}
