package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server whose construction fails midway closes what it had started, its embedded database first of all. */
class ServerAppStartFailureIT {

    @Test
    void a_server_that_fails_while_being_built_stops_the_database_it_had_started() throws Exception {
        // given: a server with its own embedded database, and a clock that fails once the database is up
        Path data = Files.createTempDirectory("vctt-start-failure");
        InstantSource broken = () -> {
            throw new IllegalStateException("the clock is broken");
        };
        AppConfig config = AppConfig.fromEnv(Map.of("PORT", "0", "VCTT_DATA_DIR", data.toString(), "VCTT_AUTH", "off"));

        // when
        assertThatThrownBy(() -> ServerApp.start(config, broken)).hasMessageContaining("the clock is broken");

        // then: the database it started was stopped, not left running for nobody
        assertThat(data.resolve("postgres")).as("it was started").isDirectory();
        assertThat(data.resolve("postgres").resolve("postmaster.pid")).as("and stopped").doesNotExist();
        // and it can start again on the same data, as after a clean stop
        try (ServerApp app = ServerApp.start(config, () -> Instant.parse("2026-12-01T00:00:00Z"))) {
            assertThat(app.port()).isPositive();
        }
    }
}
