package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.session.FinishReason;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One call to the {@link ScriptedLlmProvider}. The test plays the provider's side; the fake keeps
 * the port's promises: nothing after the end, and a cancel ends the stream once, on another thread.
 */
public final class ScriptedStream implements StreamHandle {

    private final CompletionRequest request;
    private final CompletionListener listener;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean cancelled;

    ScriptedStream(CompletionRequest request, CompletionListener listener) {
        this.request = request;
        this.listener = listener;
    }

    public CompletionRequest request() {
        return request;
    }

    public ScriptedStream delta(String text) {
        if (!ended.get() && !cancelled) {
            listener.onDelta(new TextDelta(text));
        }
        return this;
    }

    public ScriptedStream toolCall(String id, String name, String argumentsJson) {
        if (!ended.get() && !cancelled) {
            listener.onToolCall(new ToolCall(id, name, argumentsJson));
        }
        return this;
    }

    public ScriptedStream usage(long input, long output) {
        if (!ended.get()) {
            listener.onUsage(ReportedUsage.of(input, output));
        }
        return this;
    }

    public void complete(FinishReason reason) {
        end(new StreamOutcome.Completed(reason));
    }

    public void fail(FailureKind kind, String detail) {
        end(new StreamOutcome.Failed(ProviderFailure.of(kind, detail)));
    }

    public void end(StreamOutcome outcome) {
        if (ended.compareAndSet(false, true)) {
            listener.onEnd(outcome);
        }
    }

    public boolean hasEnded() {
        return ended.get();
    }

    @Override
    public void cancel() {
        cancelled = true;
        if (!ended.get()) {
            Thread.ofVirtual().start(() -> end(new StreamOutcome.Cancelled()));
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }
}
