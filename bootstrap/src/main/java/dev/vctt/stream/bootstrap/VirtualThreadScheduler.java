package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.out.Scheduler;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Waits on one timer thread, then runs each task on its own virtual thread (tasks may block). */
final class VirtualThreadScheduler implements Scheduler, AutoCloseable {

    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("scheduler").daemon().factory());

    @Override
    public void schedule(Duration delay, Runnable task) {
        timer.schedule(() -> Thread.ofVirtual().name("scheduled").start(task), delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
