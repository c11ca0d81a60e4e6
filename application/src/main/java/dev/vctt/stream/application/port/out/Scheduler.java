package dev.vctt.stream.application.port.out;

import java.time.Duration;

/** For running something later, such as asking a model again after the wait its provider asked for. */
public interface Scheduler {

    /** Runs the task once after the delay, on a thread that may block; never on the caller's. */
    void schedule(Duration delay, Runnable task);
}
