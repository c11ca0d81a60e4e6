package dev.vctt.stream.adapters.persistence.testing;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * The PostgreSQL server tests run against, chosen once per JVM: the one named by
 * {@code VCTT_TEST_DATABASE_URL} (with {@code VCTT_TEST_DATABASE_USER} / {@code _PASSWORD}), else a
 * Testcontainers container when a Docker engine answers, else an embedded PostgreSQL. Every call to
 * {@link #freshSchema()} gets a schema of its own, so tests never see each other's rows.
 */
public final class TestDatabase {

    private static final Logger log = LoggerFactory.getLogger(TestDatabase.class);

    private record Server(String url, String user, String password) {
    }

    private static Server server;

    private TestDatabase() {
    }

    public static DatabaseSettings freshSchema() {
        Server s = server();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        return new DatabaseSettings(s.url(), s.user(), s.password(), schema, 8);
    }

    private static synchronized Server server() {
        if (server != null) {
            return server;
        }
        String url = System.getenv("VCTT_TEST_DATABASE_URL");
        if (url != null && !url.isBlank()) {
            log.info("tests use the database at {}", url);
            server = new Server(url, env("VCTT_TEST_DATABASE_USER", "postgres"), env("VCTT_TEST_DATABASE_PASSWORD", ""));
        } else if (dockerAvailable()) {
            var container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
            log.info("tests use a Testcontainers PostgreSQL");
            server = new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        } else {
            try {
                var embedded = EmbeddedDatabase.start(Files.createTempDirectory("vctt-test-pg"));
                Runtime.getRuntime().addShutdownHook(new Thread(embedded::close));
                log.info("no VCTT_TEST_DATABASE_URL and no Docker engine: tests use an embedded PostgreSQL");
                DatabaseSettings settings = embedded.settings("public", 1);
                server = new Server(settings.url(), settings.user(), settings.password());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }
}
