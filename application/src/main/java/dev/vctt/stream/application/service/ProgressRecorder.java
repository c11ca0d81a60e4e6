package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SessionProgress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code every}, hands the store one batch with where each running stream stands, so that a
 * crash leaves sessions the next start can close as interrupted with their partial text. This runs
 * on the scheduler's thread, never on a stream's.
 */
public final class ProgressRecorder {

    private static final Logger log = LoggerFactory.getLogger(ProgressRecorder.class);

    private final ActiveStreams active;
    private final SessionJournal sessions;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final Duration every;
    private volatile boolean running;

    public ProgressRecorder(ActiveStreams active, SessionJournal sessions, Scheduler scheduler, InstantSource clock,
                            Duration every) {
        this.active = active;
        this.sessions = sessions;
        this.scheduler = scheduler;
        this.clock = clock;
        this.every = every;
    }

    public void start() {
        running = true;
        scheduler.schedule(every, this::tick);
    }

    public void stop() {
        running = false;
    }

    /** Records one batch now. */
    public void recordNow() {
        var batch = new ArrayList<SessionProgress>();
        var now = clock.instant();
        for (StreamRun run : active.all()) {
            run.snapshot(now).ifPresent(batch::add);
        }
        if (!batch.isEmpty()) {
            sessions.progressed(batch);
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            recordNow();
        } catch (RuntimeException e) {
            log.warn("recording stream progress failed: {}", e.getMessage());
        } finally {
            if (running) {
                scheduler.schedule(every, this::tick);
            }
        }
    }
}
