package dev.vctt.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.testing.TestDatabase;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A tiny cell end to end, to show the bench works: every chunk arrives and every figure is there.
 * It asserts no timing: the figures only have to be present and plausible, whatever the machine's load.
 */
class LoadRunSmokeIT {

    @ParameterizedTest
    @EnumSource(LoadOptions.Protocol.class)
    void a_tiny_cell_delivers_every_chunk_and_reports_every_figure(LoadOptions.Protocol protocol) throws Exception {
        LoadOptions options = LoadOptions.parse("--streams", "5", "--tokens", "10", "--rate", "100", "--rounds", "2",
                "--warmup-streams", "2", "--stagger-ms", "50", "--timeout-s", "60", "--threads").withProtocol(protocol);

        LoadReport report = LoadRun.run(options, database(), line -> { });

        assertThat(report.streams()).isEqualTo(10);
        assertThat(report.errors()).isEmpty();
        assertThat(report.completed()).isEqualTo(10);
        assertThat(report.shortStreams()).isZero();
        assertThat(report.chunks()).isEqualTo(100).isEqualTo(report.expectedChunks());
        assertThat(report.chunksPerSecond()).isPositive();
        assertThat(report.firstChunkP50Ms()).isPositive().isLessThanOrEqualTo(report.firstChunkP99Ms());
        assertThat(report.gapP99Ms()).isPositive().isLessThanOrEqualTo(report.gapMaxMs());
        assertThat(report.processCpuUsPerChunk()).isPositive();
        assertThat(report.harnessCpuUsPerChunk()).isPositive().isLessThan(report.processCpuUsPerChunk());
        assertThat(report.serverCpuUsPerChunk()).isPositive();
        assertThat(report.serverBytesPerChunk()).isPositive();
        if (ProcFs.available()) {
            assertThat(report.processSwitchesPerChunk()).isPositive();
            assertThat(report.rssPeakKb()).isPositive();
            assertThat(report.threadGroups()).anySatisfy(group -> assertThat(group.harness()).isTrue())
                    .anySatisfy(group -> assertThat(group.harness()).isFalse());
        }
        assertThat(report.serverCpuUsPerToken()).isPositive();
        assertThat(report.tokenLagP99Ms()).isGreaterThanOrEqualTo(report.tokenLagP50Ms()).isNotNegative();
        assertThat(report.tableRow()).startsWith("| n5-r100-t10-x2 | 10/0 | ");
        assertThat(report.render()).contains("100 of 100");
    }

    @Test
    void a_smoothed_cell_carries_every_token_in_fewer_chunks_and_reports_their_lag() throws Exception {
        LoadOptions options = LoadOptions.parse("--streams", "4", "--tokens", "20", "--rate", "100",
                "--warmup-streams", "1", "--stagger-ms", "20", "--timeout-s", "60");
        Map<String, String> env = database();
        env.put("VCTT_SMOOTH", "none:50");

        LoadReport report = LoadRun.run(options, env, line -> { });

        assertThat(report.completed()).isEqualTo(4);
        assertThat(report.shortStreams()).as("every token arrived").isZero();
        assertThat(report.chunks()).as("coalesced").isLessThan(report.expectedChunks());
        assertThat(report.tokenLagP99Ms()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(LoadOptions.Protocol.class)
    void a_tiny_band_cell_delivers_every_members_and_the_synthesiss_chunks(LoadOptions.Protocol protocol) throws Exception {
        LoadOptions options = LoadOptions.parse("--streams", "3", "--tokens", "10", "--rate", "100", "--band", "3",
                "--warmup-streams", "1", "--stagger-ms", "50", "--timeout-s", "60").withProtocol(protocol);

        LoadReport report = LoadRun.run(options, database(), line -> { });

        assertThat(report.errors()).isEmpty();
        assertThat(report.completed()).isEqualTo(3);
        assertThat(report.shortStreams()).isZero();
        assertThat(report.chunks()).as("3 bands x (3 members + synthesis) x 10").isEqualTo(120)
                .isEqualTo(report.expectedChunks());
        assertThat(report.serverCpuUsPerChunk()).isPositive();
        assertThat(report.render()).contains("band of 3 members + synthesis", "120 of 120");
    }

    @Test
    void a_tiny_cell_on_two_nodes_splits_the_connections_round_robin_and_delivers_every_chunk() throws Exception {
        LoadOptions options = LoadOptions.parse("--streams", "5", "--tokens", "10", "--rate", "100", "--rounds", "2",
                "--nodes", "2", "--warmup-streams", "2", "--stagger-ms", "50", "--timeout-s", "60");

        LoadReport report = LoadRun.run(options, database(), line -> { });

        assertThat(report.errors()).isEmpty();
        assertThat(report.completed()).isEqualTo(10);
        assertThat(report.chunks()).isEqualTo(100);
        assertThat(report.nodes()).extracting(LoadReport.NodeShare::id).containsExactly("bench-a", "bench-b");
        assertThat(report.nodes()).extracting(LoadReport.NodeShare::streams).as("connections 0, 2, 4 on a; 1, 3 on b")
                .containsExactly(6, 4);
        assertThat(report.nodes()).extracting(LoadReport.NodeShare::chunks).containsExactly(60L, 40L);
        assertThat(report.nodes().get(0).port()).isNotEqualTo(report.nodes().get(1).port());
        assertThat(report.tableRow()).startsWith("| n5-r100-t10-x2-2nodes | 10/0 | ");
        assertThat(report.render()).contains("2 in this JVM on one shared database", "bench-b");
    }

    private static Map<String, String> database() {
        DatabaseSettings database = TestDatabase.freshSchema();
        var env = new HashMap<String, String>();
        env.put("DATABASE_URL", database.url());
        env.put("DATABASE_USER", database.user());
        env.put("DATABASE_PASSWORD", database.password());
        env.put("VCTT_DB_SCHEMA", database.schema());
        env.put("VCTT_DB_POOL_SIZE", "4");
        return env;
    }
}
