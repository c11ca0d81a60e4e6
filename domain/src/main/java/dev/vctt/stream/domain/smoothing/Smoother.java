package dev.vctt.stream.domain.smoothing;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The re-cutting rule of one smoothed stream, as a value: what it holds, since when, and when it
 * last let a chunk go. Each step says which chunk goes now (if any), the state after it, and when
 * to look again (if text is still held).
 *
 * <p>The rule: the first chunk goes at once, whole. After it, a chunk goes at most once per window
 * ({@link Smoothing#maxDelay()}) and carries every complete unit held (words or lines, after
 * {@link Chunking}); an incomplete unit waits for its end, but never longer than one window. Held
 * text above {@code maxHeldChars} goes at once, whole, so what is held stays bounded. {@link #drain()}
 * lets everything go (before a terminal, fallback or tool event).
 */
public record Smoother(Smoothing smoothing, int maxHeldChars, String held, Optional<Instant> heldSince,
                       Optional<Instant> lastChunk) {

    /** One step: the chunk that goes now, the state after it, and when to call {@link #tick} again. */
    public record Step(Optional<String> chunk, Smoother next, Optional<Instant> wakeAt) {
        public Step {
            Objects.requireNonNull(chunk, "chunk");
            Objects.requireNonNull(next, "next");
            Objects.requireNonNull(wakeAt, "wakeAt");
        }
    }

    public Smoother {
        Objects.requireNonNull(smoothing, "smoothing");
        Objects.requireNonNull(held, "held");
        Objects.requireNonNull(heldSince, "heldSince");
        Objects.requireNonNull(lastChunk, "lastChunk");
        if (maxHeldChars < 1) {
            throw new IllegalArgumentException("maxHeldChars must be positive: " + maxHeldChars);
        }
        if (held.isEmpty() != heldSince.isEmpty()) {
            throw new IllegalArgumentException("heldSince is known exactly when text is held");
        }
    }

    /** A stream that has sent nothing yet. */
    public static Smoother start(Smoothing smoothing, int maxHeldChars) {
        return new Smoother(smoothing, maxHeldChars, "", Optional.empty(), Optional.empty());
    }

    /** A delta arrives from the provider at {@code now}. */
    public Step offer(String text, Instant now) {
        if (smoothing.isOff()) {
            return new Step(Optional.of(held + text), new Smoother(smoothing, maxHeldChars, "", Optional.empty(),
                    Optional.of(now)), Optional.empty());
        }
        return new Smoother(smoothing, maxHeldChars, held + text, Optional.of(heldSince.orElse(now)), lastChunk)
                .due(now);
    }

    /** The wake-up asked for by an earlier step (or any later moment): lets go what is due by now. */
    public Step tick(Instant now) {
        return due(now);
    }

    /** Lets everything held go at once, whatever its boundaries. */
    public Step drain() {
        if (held.isEmpty()) {
            return new Step(Optional.empty(), this, Optional.empty());
        }
        return new Step(Optional.of(held), new Smoother(smoothing, maxHeldChars, "", Optional.empty(), lastChunk),
                Optional.empty());
    }

    public boolean holds() {
        return !held.isEmpty();
    }

    private Step due(Instant now) {
        if (held.isEmpty()) {
            return new Step(Optional.empty(), this, Optional.empty());
        }
        if (lastChunk.isEmpty() || held.length() > maxHeldChars) {
            return letGo(held.length(), now);
        }
        Instant windowOpens = lastChunk.get().plus(smoothing.maxDelay());
        if (now.isBefore(windowOpens)) {
            return new Step(Optional.empty(), this, Optional.of(windowOpens));
        }
        int ready = smoothing.chunking().readyLength(held);
        if (ready > 0) {
            return letGo(ready, now);
        }
        Instant overdue = heldSince.orElseThrow().plus(smoothing.maxDelay());
        if (!now.isBefore(overdue)) {
            return letGo(held.length(), now);
        }
        return new Step(Optional.empty(), this, Optional.of(overdue));
    }

    /**
     * The first {@code length} characters go. What stays keeps its {@code heldSince}: it may have
     * come later, so it may go a little early, never late.
     */
    private Step letGo(int length, Instant now) {
        String rest = held.substring(length);
        Smoother next = new Smoother(smoothing, maxHeldChars, rest, rest.isEmpty() ? Optional.empty() : heldSince,
                Optional.of(now));
        return new Step(Optional.of(held.substring(0, length)), next,
                rest.isEmpty() ? Optional.empty() : Optional.of(now.plus(smoothing.maxDelay())));
    }
}
