package dev.vctt.stream.bootstrap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

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
            SignalHandler before = Signal.handle(new Signal("HUP"), signal -> Thread.ofPlatform().name("reload").start(() -> {
                log.info("SIGHUP: reloading the configuration");
                reload.run();
            }));
            if (before == SignalHandler.SIG_IGN) {
                // the JVM leaves a signal its parent ignored (nohup does that) ignored, handler or not
                log.warn("SIGHUP is ignored by this process (started under nohup?): no reload on signal");
            }
        } catch (IllegalArgumentException e) {
            log.debug("SIGHUP cannot be handled here; no reload on signal");
        }
    }
}
