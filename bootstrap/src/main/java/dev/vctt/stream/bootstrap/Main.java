package dev.vctt.stream.bootstrap;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** Starts the server from the environment and stops it on SIGTERM / Ctrl-C; or runs an admin command. */
public final class Main {

    private Main() {
    }

    /** The logging set-up of the admin command: warnings and errors only, on standard error. */
    static final String ADMIN_LOGGING = "logback-admin.xml";

    public static void main(String[] args) throws InterruptedException {
        if (AdminCommand.handles(args) && System.getProperty("logback.configurationFile") == null) {
            // before the first logger exists: standard output is the command's answer (a secret shown
            // once), which the libraries' start-up lines (embedded PostgreSQL, Flyway, HikariCP) would bury
            System.setProperty("logback.configurationFile", ADMIN_LOGGING);
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Logger log = LoggerFactory.getLogger(Main.class);

        AppConfig config;
        try {
            config = AppConfig.fromEnv(System.getenv());
        } catch (ConfigException e) {
            log.error("configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        }
        if (AdminCommand.handles(args)) {
            System.exit(AdminCommand.run(args, config, System.out, System.err));
            return;
        }
        if (config.warmupStreams() > 0) {
            warmUp(config.warmupStreams(), log);
        }
        ServerApp app;
        try {
            app = ServerApp.start(config, Clock.systemUTC());
        } catch (RuntimeException e) {
            log.error("could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        HangUp.onSignal(app::reload);
        var stopped = new CountDownLatch(1);
        Termination.onSignal(() -> {
            app.close();
            stopped.countDown();
        });
        stopped.await();
    }

    /** A warm-up that goes wrong is logged and the server starts all the same: it only costs time. */
    private static void warmUp(int streams, Logger log) throws InterruptedException {
        log.info("warm-up: {} streams through a throwaway server on loopback, {} times, before this one listens",
                streams, Warmup.ROUNDS);
        try {
            Warmup.Outcome outcome = Warmup.run(streams);
            log.info("warm-up: {} of {} streams completed ({} chunks) in {} ms", outcome.completed(), outcome.streams(),
                    outcome.chunks(), outcome.took().toMillis());
        } catch (RuntimeException e) {
            log.warn("warm-up failed, starting without it: {}", e.getMessage(), e);
        }
    }
}
