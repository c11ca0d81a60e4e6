package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandEvents;
import dev.vctt.stream.application.port.in.BandMember;
import dev.vctt.stream.application.port.in.BandStarted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Records what a band's client is told: the band's own events, and each member's stream events in
 * its own {@link RecordingStreamEvents}; {@link #all} is every event of every member in arrival order.
 */
public final class RecordingBandEvents implements BandEvents {

    private final List<Object> events = new ArrayList<>();
    private final Map<SessionId, RecordingStreamEvents> members = new LinkedHashMap<>();
    private final Map<SessionId, BandMember> roles = new LinkedHashMap<>();
    private final RecordingStreamEvents everything = new RecordingStreamEvents();

    @Override
    public synchronized void started(BandStarted event) {
        record(event);
    }

    @Override
    public synchronized StreamEvents member(BandStarted band, BandMember member) {
        var own = new RecordingStreamEvents();
        members.put(member.sessionId(), own);
        roles.put(member.sessionId(), member);
        return new Tee(own, everything);
    }

    @Override
    public synchronized void completed(BandCompleted event) {
        record(event);
    }

    @Override
    public synchronized void refused(StreamFailed event) {
        record(event);
    }

    private void record(Object event) {
        events.add(event);
        notifyAll();
    }

    public synchronized RecordingStreamEvents of(SessionId member) {
        return members.get(member);
    }

    /** The member of that role that joined first (the synthesiser, the verifier). */
    public RecordingStreamEvents ofRole(AgentRole role) {
        return of(memberOfRole(role).sessionId());
    }

    public synchronized BandMember memberOfRole(AgentRole role) {
        return roles.values().stream().filter(member -> member.role() == role).findFirst()
                .orElseThrow(() -> new AssertionError("no member of role " + role + " yet"));
    }

    public synchronized boolean hasRole(AgentRole role) {
        return roles.values().stream().anyMatch(member -> member.role() == role);
    }

    /** Every member's stream events, in the order they arrived. */
    public RecordingStreamEvents all() {
        return everything;
    }

    public synchronized <T> List<T> band(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public synchronized <T> T await(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            for (Object event : events) {
                if (type.isInstance(event) && matching.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " within 5 s; got " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public <T> T await(Class<T> type) {
        return await(type, event -> true);
    }

    /** Passes each event to both recorders. */
    private record Tee(StreamEvents first, StreamEvents second) implements StreamEvents {
        @Override
        public void started(dev.vctt.stream.application.port.in.StreamStarted event) {
            first.started(event);
            second.started(event);
        }

        @Override
        public void chunk(dev.vctt.stream.application.port.in.StreamChunk event) {
            first.chunk(event);
            second.chunk(event);
        }

        @Override
        public void completed(dev.vctt.stream.application.port.in.StreamCompleted event) {
            first.completed(event);
            second.completed(event);
        }

        @Override
        public void failed(StreamFailed event) {
            first.failed(event);
            second.failed(event);
        }

        @Override
        public void fellBack(dev.vctt.stream.application.port.in.StreamFellBack event) {
            first.fellBack(event);
            second.fellBack(event);
        }
    }
}
