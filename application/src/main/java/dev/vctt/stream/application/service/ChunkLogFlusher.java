package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@code flushEvery}, hands the chunk log one list with what is new of every running stream (a
 * batch per stream), so a crash loses at most that much; a stream that runs far ahead hands its
 * chunks over itself. Once an hour it also drops the chunks past retention. Runs on the scheduler's
 * thread, never on a stream's.
 */
public final class ChunkLogFlusher {

    private static final Logger log = LoggerFactory.getLogger(ChunkLogFlusher.class);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private final ActiveStreams active;
    private final ChunkLog chunkLog;
    private final Scheduler scheduler;
    private final InstantSource clock;
    private final ResumeSettings settings;
    private Instant lastPurge;
    private volatile boolean running;

    public ChunkLogFlusher(ActiveStreams active, ChunkLog chunkLog, Scheduler scheduler, InstantSource clock,
                           ResumeSettings settings) {
        this.active = active;
        this.chunkLog = chunkLog;
        this.scheduler = scheduler;
        this.clock = clock;
        this.settings = settings;
    }

    public void start() {
        running = true;
        lastPurge = clock.instant();
        scheduler.schedule(settings.flushEvery(), this::tick);
    }

    public void stop() {
        running = false;
    }

    /** Hands over what is new now. */
    public void flushNow() {
        var batches = new ArrayList<ChunkBatch>();
        for (StreamRun run : active.all()) {
            run.unflushed().ifPresent(batches::add);
        }
        if (!batches.isEmpty()) {
            chunkLog.append(batches);
        }
    }

    private void tick() {
        if (!running) {
            return;
        }
        try {
            flushNow();
            Instant now = clock.instant();
            if (Duration.between(lastPurge, now).compareTo(PURGE_EVERY) >= 0) {
                lastPurge = now;
                // batches are dated when written, a stream's first ones before its end: keeping them
                // twice the retention serves every stream shorter than one retention in full
                int dropped = chunkLog.forgetBefore(now.minus(settings.retention().multipliedBy(2)));
                if (dropped > 0) {
                    log.info("dropped {} chunk batch(es) older than twice the resume retention of {}", dropped, settings.retention());
                }
            }
        } catch (RuntimeException e) {
            log.warn("handing chunks to the chunk log failed: {}", e.getMessage());
        } finally {
            if (running) {
                scheduler.schedule(settings.flushEvery(), this::tick);
            }
        }
    }
}
