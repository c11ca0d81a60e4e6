package dev.vctt.stream.adapters.websocket.socketio;

import dev.vctt.stream.adapters.websocket.connection.SentEvent;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one Socket.IO connection sent, by offset, so that a client reconnecting with its last offset
 * can be told exactly what it missed. Every event the server sends gets the next offset; the ledger
 * keeps the last {@code capacity} of them (what a stream said: started, chunk {@code i}, ended) on
 * top of a baseline, the state of every stream as of the oldest offset still kept. Older events are
 * folded into the baseline, so memory stays bounded whatever the connection's age, and a client
 * whose offset is older than the baseline simply is not recovered.
 *
 * <p>No chunk text is kept: a recovery resumes each stream from the index after the last one the
 * client holds, through the streams' own log. Not thread-safe; its connection serialises access.
 */
final class RecoveryLedger {

    /** What a client holds of one stream. */
    static final class Held {
        private StreamStarted start;
        private int firstIndex = -1;
        private int lastIndex = -1;
        private boolean ended;

        private Held copy() {
            var copy = new Held();
            copy.start = start;
            copy.firstIndex = firstIndex;
            copy.lastIndex = lastIndex;
            copy.ended = ended;
            return copy;
        }
    }

    /** How to bring one stream back: send its {@code stream_start} again if the client never had it, then resume. */
    record Step(SessionId sessionId, Optional<StreamStarted> start, int fromIndex) {
    }

    /** What a recovery does, and the ledger the recovered connection starts from. */
    record Plan(List<Step> steps, RecoveryLedger ledger) {
    }

    private final int capacity;
    /** The events sent since the baseline; the first has offset {@link #firstOffset}, the next one more. */
    private final ArrayDeque<SentEvent> entries = new ArrayDeque<>();
    private final Map<SessionId, Held> baseline;
    private long baselineOffset;
    private long firstOffset;

    RecoveryLedger(int capacity) {
        this(capacity, 0, 1, new LinkedHashMap<>());
    }

    private RecoveryLedger(int capacity, long baselineOffset, long firstOffset, Map<SessionId, Held> baseline) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.capacity = capacity;
        this.baselineOffset = baselineOffset;
        this.firstOffset = firstOffset;
        this.baseline = baseline;
    }

    private long lastOffset() {
        return firstOffset + entries.size() - 1;
    }

    /** Records one event sent and returns its offset. */
    long record(SentEvent what) {
        if (entries.size() == capacity) {
            apply(baseline, entries.removeFirst(), true);
            baselineOffset = firstOffset++;
        }
        entries.addLast(what);
        return lastOffset();
    }

    /**
     * What to do for a client whose last offset is {@code offset} (empty if it never received an
     * event): empty when the offset is not one this ledger can answer for.
     */
    Optional<Plan> recover(OptionalLong offset) {
        long at = offset.orElse(0);
        boolean known = offset.isEmpty() ? baselineOffset == 0 : at == baselineOffset || at >= firstOffset && at <= lastOffset();
        if (!known) {
            return Optional.empty();
        }
        Map<SessionId, Held> held = copy(baseline);
        Map<SessionId, Held> sent = copy(baseline);
        long next = firstOffset;
        for (SentEvent entry : entries) {
            if (next++ <= at) {
                apply(held, entry, false);
            }
            apply(sent, entry, false);
        }
        var steps = new ArrayList<Step>();
        for (Map.Entry<SessionId, Held> stream : sent.entrySet()) {
            Held has = held.get(stream.getKey());
            Held all = stream.getValue();
            if (has != null && has.ended) {
                continue;
            }
            if (has != null) {
                steps.add(new Step(stream.getKey(), Optional.empty(), has.lastIndex + 1));
            } else if (all.start != null) {
                steps.add(new Step(stream.getKey(), Optional.of(all.start), 0));
            } else if (all.firstIndex >= 0) {
                steps.add(new Step(stream.getKey(), Optional.empty(), all.firstIndex));
            } else {
                // only a terminal event of a resumed stream, sent after the client's offset: where the
                // client meant to resume from is not known, so this is no recovery
                return Optional.empty();
            }
        }
        held.values().removeIf(h -> h.ended);
        // the recovered connection goes on numbering after every offset the old one gave out
        return Optional.of(new Plan(steps, new RecoveryLedger(capacity, at, lastOffset() + 1, held)));
    }

    private static Map<SessionId, Held> copy(Map<SessionId, Held> streams) {
        var copy = new LinkedHashMap<SessionId, Held>();
        streams.forEach((id, held) -> copy.put(id, held.copy()));
        return copy;
    }

    private static void apply(Map<SessionId, Held> streams, SentEvent what, boolean forgetEnded) {
        switch (what) {
            case SentEvent.Started started -> streams.computeIfAbsent(started.event().sessionId(), id -> new Held())
                    .start = started.event();
            case SentEvent.Chunk chunk -> {
                Held held = streams.computeIfAbsent(chunk.sessionId(), id -> new Held());
                if (held.ended) {
                    // the client resumed an ended stream again on this connection: a new replay begins
                    held.ended = false;
                    held.firstIndex = -1;
                }
                if (held.firstIndex < 0) {
                    held.firstIndex = chunk.index();
                }
                held.lastIndex = chunk.index();
            }
            case SentEvent.Ended end -> {
                if (forgetEnded) {
                    streams.remove(end.sessionId());
                } else {
                    streams.computeIfAbsent(end.sessionId(), id -> new Held()).ended = true;
                }
            }
            case SentEvent.Other other -> {
            }
        }
    }
}
