package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.Scheduler;
import java.time.Duration;

/** A real scheduler for tests: a virtual thread that sleeps, then runs the task. */
public final class SleepingScheduler implements Scheduler {

    @Override
    public void schedule(Duration delay, Runnable task) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delay);
                task.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
