package dev.vctt.stream.application.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Retries an assertion until it holds (or stops throwing), for stores that write in the background. */
public final class Eventually {

    private Eventually() {
    }

    public static void holds(Runnable assertion) {
        holds(Duration.ofSeconds(10), assertion);
    }

    /** Waits until the condition is true; fails after ten seconds. */
    public static void becomes(BooleanSupplier condition) {
        holds(() -> {
            if (!condition.getAsBoolean()) {
                throw new AssertionError("condition not met within 10 s");
            }
        });
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
