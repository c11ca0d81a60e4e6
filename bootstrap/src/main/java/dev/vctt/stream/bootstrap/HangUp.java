package dev.vctt.stream.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration, the Unix convention for daemons ({@code kill -HUP <pid>}).
 * (sun.misc.Signal, as in {@link Termination}; it is in jdk.unsupported.)
 */
final class HangUp {

    private static final Logger log = LoggerFactory.getLogger(HangUp.class);

    private HangUp() {
    }

    static void onSignal(Runnable reload) {
        try {
            Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("reload").start(() -> {
                log.info("SIGHUP: reloading the configuration");
                reload.run();
            }));
        } catch (IllegalArgumentException e) {
            log.debug("SIGHUP cannot be handled here; no reload on signal");
        }
    }
}
