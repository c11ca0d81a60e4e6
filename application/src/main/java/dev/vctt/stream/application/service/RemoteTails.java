package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes of streams that run on another node: the chunks come from the shared chunk log, first what
 * it holds from the client's index, then each batch as the owner's {@code HeadMoved} signal says it
 * is stored (and, should a signal be lost, at the next poll); once the session record says the stream
 * ended, the rest and the terminal event come as for any ended stream. A cursor that only moves over
 * contiguous chunks makes it gapless and free of duplicates.
 */
public final class RemoteTails {

    private static final Logger log = LoggerFactory.getLogger(RemoteTails.class);

    private final ClusterSignals signals;
    private final ChunkLog chunkLog;
    private final SessionQueries sessions;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final Duration pollEvery;
    private final Map<SessionId, Set<Follower>> following = new ConcurrentHashMap<>();

    public RemoteTails(ClusterSignals signals, ChunkLog chunkLog, SessionQueries sessions, Scheduler scheduler,
                       InstantSource clock, Duration pollEvery) {
        this.signals = signals;
        this.chunkLog = chunkLog;
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.clock = clock;
        this.pollEvery = pollEvery;
    }

    /** Starts waking the tails of a stream when its owner says its log moved. */
    public ClusterSignals.Subscription listen() {
        return signals.subscribe(signal -> {
            if (signal instanceof ClusterSignal.HeadMoved head) {
                following.getOrDefault(head.sessionId(), Set.of()).forEach(f -> f.wake(head.head()));
            }
        });
    }

    /** How many resumes follow a stream of another node now. */
    public int count() {
        return following.values().stream().mapToInt(Set::size).sum();
    }

    /**
     * Follows the stream if the shared store holds it as running (so it runs elsewhere); empty when it
     * does not, and the resume is the store's to answer.
     *
     * @param ended answers the rest of a resume once the stream has ended, from the cursor on
     */
    Optional<ResumeOutcome> followIfRunningElsewhere(ResumeStreamCommand command, StreamEvents events,
                                                     BiFunction<ResumeStreamCommand, StreamEvents, ResumeOutcome> ended) {
        Optional<SessionView> view = sessions.find(command.sessionId(), command.caller());
        if (view.isEmpty() || !view.get().status().equals("running")) {
            return Optional.empty();
        }
        var follower = new Follower(command, events, ended);
        following.computeIfAbsent(command.sessionId(), id -> ConcurrentHashMap.newKeySet()).add(follower);
        scheduler.schedule(Duration.ZERO, follower::step);
        return Optional.of(new ResumeOutcome.Resumed(command.sessionId()));
    }

    private final class Follower {
        private final ResumeStreamCommand command;
        private final StreamEvents events;
        private final BiFunction<ResumeStreamCommand, StreamEvents, ResumeOutcome> ended;
        private final ReentrantLock stepping = new ReentrantLock();
        private final AtomicBoolean again = new AtomicBoolean();
        private int cursor;
        private boolean replaying = true;
        private volatile boolean done;

        Follower(ResumeStreamCommand command, StreamEvents events, BiFunction<ResumeStreamCommand, StreamEvents, ResumeOutcome> ended) {
            this.command = command;
            this.events = events;
            this.ended = ended;
            this.cursor = command.fromIndex();
        }

        void wake(int head) {
            if (!done && head > cursor) {
                scheduler.schedule(Duration.ZERO, this::stepNow);
            }
        }

        /** A step out of turn (a signal): skipped, but remembered, when one is under way. */
        private void stepNow() {
            if (!stepping.tryLock()) {
                again.set(true);
                return;
            }
            try {
                read();
            } finally {
                stepping.unlock();
            }
        }

        /** The polling step: reads, checks for the end, comes again. */
        void step() {
            if (done) {
                return;
            }
            stepping.lock();
            try {
                read();
                Optional<SessionView> view = sessions.find(command.sessionId(), command.caller());
                if (view.isEmpty() || !view.get().status().equals("running")) {
                    finish();
                    return;
                }
                again.set(false);
            } catch (StoreUnavailable e) {
                log.warn("following {} from the shared log: {}", command.sessionId(), e.getMessage());
            } finally {
                stepping.unlock();
            }
            scheduler.schedule(again.getAndSet(false) ? Duration.ZERO : pollEvery, this::step);
        }

        private void read() {
            if (done) {
                return;
            }
            Optional<SessionView> view = Optional.empty();
            List<LoggedChunk> chunks = chunkLog.read(command.sessionId(), cursor);
            for (LoggedChunk chunk : chunks) {
                if (chunk.index() != cursor) {
                    break; // a hole: wait for the batch that fills it
                }
                if (view.isEmpty()) {
                    view = sessions.find(command.sessionId(), command.caller());
                }
                var event = new StreamChunk(command.sessionId(), chunk.index(), chunk.text(), chunk.model(),
                        view.map(v -> v.usage().output()).orElse(dev.vctt.stream.domain.cost.TokenCount.ZERO),
                        view.map(SessionView::cost).orElse(dev.vctt.stream.domain.cost.Usd.ZERO), clock.instant());
                if (replaying) {
                    events.replayed(event);
                } else {
                    events.chunk(event);
                }
                cursor++;
            }
            replaying = false;
        }

        private void finish() {
            ResumeOutcome rest = ended.apply(new ResumeStreamCommand(command.client(), command.caller(),
                    command.sessionId(), cursor), events);
            done = true;
            following.computeIfPresent(command.sessionId(), (id, set) -> {
                set.remove(this);
                return set.isEmpty() ? null : set;
            });
            if (rest instanceof ResumeOutcome.Refused refused) {
                events.failed(new StreamFailed(Optional.of(command.sessionId()), refused.code(), refused.message(),
                        List.of(), Optional.empty(), clock.instant()));
            }
        }
    }
}
