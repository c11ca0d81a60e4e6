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
    private final List<Thread> chunkThreads = new ArrayList<>();
    private Thread endThread;
    private volatile boolean endReturned;
    private volatile boolean calledAfterEnd;
    private final AtomicInteger concurrent = new AtomicInteger();
    private volatile boolean overlapped;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final CountDownLatch firstDelta = new CountDownLatch(1);

    @Override
    public void onDelta(TextDelta delta) {
        enterChunk();
        synchronized (this) {
            deltas.add(delta.text());
        }
        firstDelta.countDown();
        leave();
    }

    @Override
    public void onUsage(ReportedUsage reported) {
        enterChunk();
        synchronized (this) {
            usage = usage.updatedBy(reported);
        }
        leave();
    }

    @Override
    public void onToolCall(ToolCall call) {
        enterChunk();
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
            endThread = Thread.currentThread();
        }
        leave();
        endReturned = true;
        ended.countDown();
    }

    private void enterChunk() {
        enter();
        synchronized (this) {
            chunkThreads.add(Thread.currentThread());
        }
    }

    private void enter() {
        if (endReturned) {
            calledAfterEnd = true;
        }
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

    /** The threads of the per-chunk callbacks (text, usage, tool calls). */
    public synchronized List<Thread> chunkThreads() {
        return List.copyOf(chunkThreads);
    }

    public synchronized Thread endThread() {
        return endThread;
    }

    public boolean callbacksOverlapped() {
        return overlapped;
    }

    /**
     * Waits until every virtual thread that made a callback has finished, so that none can come any
     * more from it: a stream's own threads (its end's, the demo's) are virtual and end with it, so
     * this is the moment its callbacks are complete, not a guess at it. A platform thread (an HTTP
     * client's I/O thread) serves other streams and lives on; a callback it makes after the end is
     * caught by {@link #assertEndedOnce}. Fails if a thread is still running after the wait.
     */
    public void awaitCallbacksOver(Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        for (Thread thread : threads().stream().filter(Thread::isVirtual).distinct().toList()) {
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
        assertThat(calledAfterEnd).as("a callback after the end").isFalse();
    }
}
