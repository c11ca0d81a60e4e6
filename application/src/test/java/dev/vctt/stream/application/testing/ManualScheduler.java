package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.Scheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A scheduler that runs nothing until the test says so, and remembers the delays asked for. */
public final class ManualScheduler implements Scheduler {

    private record Task(Duration delay, Runnable task) {
    }

    private final List<Task> tasks = new ArrayList<>();

    @Override
    public synchronized void schedule(Duration delay, Runnable task) {
        tasks.add(new Task(delay, task));
    }

    public synchronized List<Duration> delays() {
        return tasks.stream().map(Task::delay).toList();
    }

    /** Runs every task scheduled so far, on a new thread each, as a real scheduler would. */
    public void runAll() {
        List<Task> due;
        synchronized (this) {
            due = List.copyOf(tasks);
            tasks.clear();
        }
        for (Task task : due) {
            try {
                Thread.ofVirtual().start(task.task()).join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
