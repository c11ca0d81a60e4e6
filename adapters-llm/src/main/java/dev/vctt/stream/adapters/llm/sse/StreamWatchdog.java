package dev.vctt.stream.adapters.llm.sse;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces first-token and idle timeouts for every running provider stream from one timer thread.
 * The chunk path only writes a timestamp; a sweep every {@code tick} compares it with the deadline,
 * so no timer is scheduled or cancelled per chunk. Deadlines are therefore exact to within a tick.
 */
public final class StreamWatchdog implements AutoCloseable {

    /** Something with deadlines the watchdog checks. */
    public interface Watched {
        void checkDeadlines(long nowNanos);
    }

    private static final Logger log = LoggerFactory.getLogger(StreamWatchdog.class);

    private final Set<Watched> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;

    public StreamWatchdog(Duration tick) {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("llm-watchdog").daemon().factory());
        long nanos = tick.toNanos();
        timer.scheduleAtFixedRate(this::sweep, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    public void watch(Watched call) {
        watched.add(call);
    }

    public void forget(Watched call) {
        watched.remove(call);
    }

    public int watching() {
        return watched.size();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Watched call : watched) {
            try {
                call.checkDeadlines(now);
            } catch (RuntimeException e) {
                log.error("deadline check failed", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
