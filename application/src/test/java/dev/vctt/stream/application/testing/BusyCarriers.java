package dev.vctt.stream.application.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every carrier of the virtual-thread scheduler held by a virtual thread that spins, as a server
 * saturated with streams holds them: while it lasts, no other virtual thread runs. What must go on
 * under load (the database writer, the lease) is shown to go on by doing it inside one of these.
 */
public final class BusyCarriers implements AutoCloseable {

    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> spinners = new ArrayList<>();

    private BusyCarriers() throws InterruptedException {
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        var spinning = new CountDownLatch(carriers);
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().name("busy-carrier-" + i).start(() -> {
                spinning.countDown();
                while (!stop.get()) {
                    Thread.onSpinWait();
                }
            }));
        }
        if (!spinning.await(10, TimeUnit.SECONDS)) {
            close();
            throw new IllegalStateException("the spinning virtual threads did not all start");
        }
    }

    /** Holds every carrier until closed. */
    public static BusyCarriers all() throws InterruptedException {
        return new BusyCarriers();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread spinner : spinners) {
            spinner.join();
        }
    }
}
