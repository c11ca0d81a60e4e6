package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamHandle;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An LLM provider a test drives by hand: every call becomes a {@link ScriptedStream} the test takes
 * with {@link #nextCall()} and plays deltas, usage and an end into.
 */
public final class ScriptedLlmProvider implements LlmProvider {

    private final BlockingQueue<ScriptedStream> calls = new LinkedBlockingQueue<>();
    private final AtomicInteger callCount = new AtomicInteger();
    private volatile RuntimeException refusal;

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        callCount.incrementAndGet();
        RuntimeException failing = refusal;
        if (failing != null) {
            throw failing;
        }
        var stream = new ScriptedStream(request, listener);
        calls.add(stream);
        return stream;
    }

    /** Makes every later call throw, as a broken adapter would. */
    public void refuseWith(RuntimeException exception) {
        this.refusal = exception;
    }

    public ScriptedStream nextCall() {
        return nextCall(Duration.ofSeconds(5));
    }

    public ScriptedStream nextCall(Duration wait) {
        try {
            ScriptedStream stream = calls.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            if (stream == null) {
                throw new AssertionError("no provider call within " + wait);
            }
            return stream;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public int callCount() {
        return callCount.get();
    }
}
