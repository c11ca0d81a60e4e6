package dev.vctt.stream.adapters.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Records a provider stream's callbacks and which threads made them. */
public class RecordingCompletionListener implements CompletionListener {

    private static final Duration CALLBACKS_OVER_WITHIN = Duration.ofSeconds(10);

    private final List<String> deltas = new ArrayList<>();
    private ReportedUsage usage = ReportedUsage.NOTHING;
    private final List<StreamOutcome> ends = new ArrayList<>();
    private final List<ToolCall> toolCalls = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger concurrent = new AtomicInteger();
    private volatile boolean overlapped;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch firstDelta = new CountDownLatch(1);

    @Override
    public void onDelta(TextDelta delta) {
        enter();
        synchronized (this) {
            deltas.add(delta.text());
        }
        firstDelta.countDown();
        leave();
    }

    @Override
    public void onUsage(ReportedUsage reported) {
        enter();
        synchronized (this) {
            usage = usage.updatedBy(reported);
        }
        leave();
    }

    @Override
    public void onToolCall(ToolCall call) {
        enter();
        synchronized (this) {
            toolCalls.add(call);
        }
        leave();
    }

    @Override
    public void onEnd(StreamOutcome outcome) {
        enter();
        synchronized (this) {
            ends.add(outcome);
        }
        ended.countDown();
        leave();
    }

    private void enter() {
        if (concurrent.incrementAndGet() > 1) {
            overlapped = true;
        }
        synchronized (this) {
            threads.add(Thread.currentThread());
        }
    }

    private void leave() {
        concurrent.decrementAndGet();
    }

    /** Waits for the end and returns it; fails if it does not come in time. */
    public StreamOutcome awaitEnd(Duration wait) {
        try {
            if (!ended.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the stream did not end within " + wait + "; deltas so far: " + deltas());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        synchronized (this) {
            return ends.getFirst();
        }
    }

    public boolean awaitFirstDelta(Duration wait) {
        try {
            return firstDelta.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public synchronized List<String> deltas() {
        return List.copyOf(deltas);
    }

    public synchronized String text() {
        return String.join("", deltas);
    }

    public synchronized List<ToolCall> toolCalls() {
        return List.copyOf(toolCalls);
    }

    public synchronized ReportedUsage usage() {
        return usage;
    }

    public synchronized int endCount() {
        return ends.size();
    }

    public synchronized List<Thread> threads() {
        return List.copyOf(threads);
    }

    public boolean callbacksOverlapped() {
        return overlapped;
    }

    /**
     * Waits until every thread that made a callback has finished, so that none can come any more:
     * each stream calls back from a thread of its own, so this is the moment its callbacks are
     * complete, not a guess at it. Fails if a thread is still running after the wait.
     */
    public void awaitCallbacksOver(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread thread : threads()) {
            long left = Math.max(0, deadline - System.nanoTime());
            if (!thread.join(Duration.ofNanos(left))) {
                throw new AssertionError("the stream's thread " + thread + " still runs " + wait + " after its end");
            }
        }
    }

    /** Fails unless the stream ended exactly once, with no callbacks at the same time, once its thread is over. */
    public void assertEndedOnce() throws InterruptedException {
        awaitEnd(CALLBACKS_OVER_WITHIN);
        awaitCallbacksOver(CALLBACKS_OVER_WITHIN);
        assertThat(endCount()).as("onEnd calls").isEqualTo(1);
        assertThat(callbacksOverlapped()).as("callbacks overlapped").isFalse();
    }
}
