package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The warm-up, run as {@code main} runs it: a whole throwaway server, a fake provider, real clients. */
class WarmupIT {

    @Test
    void every_warm_up_stream_on_either_protocol_runs_twice_through_a_throwaway_server_whose_database_is_gone_afterwards() throws Exception {
        Warmup.Outcome outcome = Warmup.run(30);

        // each round: 30 connections of one stream each, 15 native, 15 Socket.IO
        assertThat(outcome.streams()).isEqualTo(2 * 30);
        assertThat(outcome.completed()).as("completed").isEqualTo(2 * 30);
        assertThat(outcome.failed()).as("failed").isZero();
        assertThat(outcome.chunks()).as("every token of every answer relayed")
                .isEqualTo(2 * 30 * WarmupProvider.TOKENS);
        assertThat(outcome.dataDirs()).as("a throwaway server per round").hasSize(2).doesNotHaveDuplicates()
                .allSatisfy(dir -> assertThat(dir).doesNotExist());
    }

    @Test
    void the_throwaway_server_takes_nothing_from_the_real_configuration() throws Exception {
        try (WarmupProvider provider = WarmupProvider.start()) {
            Path dir = Files.createTempDirectory("warmup-env");
            var env = Warmup.environment(provider, dir);

            assertThat(env).doesNotContainKeys("DATABASE_URL", "VCTT_CONFIG", "VCTT_MCP_SERVERS", "VCTT_ROUTES", "VCTT_AUTH")
                    .containsEntry("VCTT_HOST", "127.0.0.1").containsEntry("PORT", "0")
                    .containsEntry("VCTT_DATA_DIR", dir.toString());
            assertThat(env.entrySet()).filteredOn(e -> e.getKey().endsWith("_BASE_URL")).hasSize(3)
                    .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(provider.baseUrl().toString()));
            Files.delete(dir);
        }
    }
}
