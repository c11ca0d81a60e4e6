package dev.vctt.stream.application.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

/** A clock for tests that advances only when told to, or by a fixed step on every read. */
public final class SteppingClock implements InstantSource {

    private final AtomicReference<Instant> now;
    private final Duration stepPerRead;

    public SteppingClock(Instant start, Duration stepPerRead) {
        this.now = new AtomicReference<>(start);
        this.stepPerRead = stepPerRead;
    }

    public static SteppingClock fixedAt(Instant start) {
        return new SteppingClock(start, Duration.ZERO);
    }

    public void advance(Duration by) {
        now.updateAndGet(t -> t.plus(by));
    }

    @Override
    public Instant instant() {
        return now.getAndUpdate(t -> t.plus(stepPerRead));
    }
}
