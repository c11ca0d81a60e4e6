package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.out.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks on one platform thread of its own, one at a time: for the node's heartbeat, whose lease
 * must be renewed however busy the streams keep the virtual threads' carriers. Run as a virtual
 * thread, each of its database round trips queued behind every runnable stream.
 */
final class PlatformThreadScheduler implements Scheduler, AutoCloseable {

    private final ScheduledExecutorService thread;

    PlatformThreadScheduler(String name) {
        thread = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name(name).daemon().factory());
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
        thread.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
