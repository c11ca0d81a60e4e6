package dev.vctt.stream.application.testing;

import java.time.Duration;

/** Retries an assertion until it holds (or stops throwing), for stores that write in the background. */
public final class Eventually {

    private Eventually() {
    }

    public static void holds(Runnable assertion) {
        holds(Duration.ofSeconds(10), assertion);
    }

    public static void holds(Duration within, Runnable assertion) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                assertion.run();
                return;
            } catch (AssertionError | RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
