package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.smoothing.Smoother;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Smooths one stream's text between its provider and its {@link StreamRun}: each attempt's listener
 * is wrapped, deltas go through the domain's {@link Smoother}, and what it lets go reaches the run as
 * ordinary deltas, so the run's answer, indexes, chunk log and resumes all see exactly the chunks
 * the client sees. A tool call or the attempt's end lets everything held go first. Held text waits
 * for a wake-up on the {@link Scheduler}; nothing here blocks or queues beyond the smoother's cap.
 *
 * <p>Everything runs under the run's own lock (the one its callbacks take anyway), so a wake-up and
 * a provider callback never interleave and chunks keep their order.
 */
final class StreamSmoothing {

    private final Object lock;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final Smoothing smoothing;
    private Smoother smoother;
    /** The attempt whose text is held; the one later chunks belong to. */
    private Smoothed current;
    private Instant wakeAt;

    StreamSmoothing(Smoothing smoothing, int maxHeldChars, Scheduler scheduler, InstantSource clock, Object lock) {
        this.smoothing = smoothing;
        this.smoother = Smoother.start(smoothing, maxHeldChars);
        this.scheduler = scheduler;
        this.clock = clock;
        this.lock = lock;
    }

    /** The listener a provider attempt gets: the attempt's own when smoothing is off. */
    CompletionListener wrap(CompletionListener attempt) {
        return smoothing.isOff() ? attempt : new Smoothed(attempt);
    }

    private void apply(Smoother.Step step) {
        smoother = step.next();
        step.chunk().ifPresent(text -> current.attempt.onDelta(new TextDelta(text)));
        step.wakeAt().ifPresent(this::wakeUpAt);
    }

    private void wakeUpAt(Instant at) {
        if (wakeAt != null && !wakeAt.isAfter(at)) {
            return;
        }
        wakeAt = at;
        Duration delay = Duration.between(clock.instant(), at);
        scheduler.schedule(delay.isNegative() ? Duration.ZERO : delay, this::wakeUp);
    }

    private void wakeUp() {
        synchronized (lock) {
            wakeAt = null;
            if (current != null && !current.ended) {
                apply(smoother.tick(clock.instant()));
            }
        }
    }

    private void drain() {
        if (current != null) {
            apply(smoother.drain());
        }
    }

    private final class Smoothed implements CompletionListener {

        private final CompletionListener attempt;
        private boolean ended;

        Smoothed(CompletionListener attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onDelta(TextDelta delta) {
            synchronized (lock) {
                if (ended) {
                    return;
                }
                if (current != this) {
                    drain();
                    current = this;
                }
                apply(smoother.offer(delta.text(), clock.instant()));
            }
        }

        @Override
        public void onUsage(ReportedUsage usage) {
            attempt.onUsage(usage);
        }

        @Override
        public void onToolCall(ToolCall call) {
            synchronized (lock) {
                drain();
                attempt.onToolCall(call);
            }
        }

        @Override
        public void onEnd(StreamOutcome outcome) {
            synchronized (lock) {
                drain();
                ended = true;
                attempt.onEnd(outcome);
            }
        }
    }
}
