package dev.vctt.stream.bench;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.chunk.JdbcChunkLog;
import dev.vctt.stream.adapters.persistence.signal.PgClusterSignals;
import dev.vctt.stream.adapters.persistence.signal.SignalPayload;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * {@code java -jar vctt-bench.jar cluster}: what scale-out costs on this machine, against the embedded
 * PostgreSQL (or {@code DATABASE_URL}). (1) The latency of a signal between two nodes over
 * LISTEN/NOTIFY, one at a time (what a cross-node cancel adds to a local one). (2) The chunk log's
 * cost per chunk written as the flusher writes it (100 streams' batches per append), without and with
 * what scale-out adds (the fencing check and the head announcement in the same transaction).
 */
final class ClusterBench {

    private static final int SIGNALS = 2_000;
    private static final int STREAMS = 100;
    private static final int FLUSHES = 200;
    private static final int CHUNKS_PER_BATCH = 16;

    private ClusterBench() {
    }

    static void run(PrintStream out) throws Exception {
        Optional<EmbeddedDatabase> embedded = Optional.empty();
        DatabaseSettings settings;
        String url = System.getenv("DATABASE_URL");
        if (url != null) {
            settings = new DatabaseSettings(url, System.getenv().getOrDefault("DATABASE_USER", "postgres"),
                    System.getenv().getOrDefault("DATABASE_PASSWORD", ""), "vctt_cluster_bench", 10);
        } else {
            embedded = Optional.of(EmbeddedDatabase.start(Files.createTempDirectory("vctt-cluster-bench")));
            settings = embedded.get().settings("vctt_cluster_bench", 10);
        }
        try (Database database = Database.open(settings)) {
            signalLatency(settings, database, out);
            chunkLogCost(database, settings, out);
        } finally {
            embedded.ifPresent(EmbeddedDatabase::close);
        }
    }

    private static void signalLatency(DatabaseSettings settings, Database database, PrintStream out) throws Exception {
        var heard = new SynchronousQueue<ClusterSignal>();
        try (PgClusterSignals a = PgClusterSignals.start(settings, database.dataSource());
             PgClusterSignals b = PgClusterSignals.start(settings, database.dataSource());
             var subscription = b.subscribe(signal -> {
                 try {
                     heard.put(signal);
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
             })) {
            var latency = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
            for (int i = 0; i < SIGNALS + 200; i++) {
                var signal = new ClusterSignal.CancelStream(SessionId.of("bench-" + i));
                long start = System.nanoTime();
                a.publish(signal);
                ClusterSignal got = heard.poll(10, TimeUnit.SECONDS);
                long micros = (System.nanoTime() - start) / 1_000;
                if (got == null) {
                    throw new IllegalStateException("signal " + i + " not heard within 10 s");
                }
                if (i >= 200) { // warm-up first
                    latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
                }
            }
            out.printf("signal node a -> node b (NOTIFY on a pooled connection, LISTEN on a dedicated one), %d one at a time:%n",
                    SIGNALS);
            out.printf("  p50 %.2f ms   p99 %.2f ms   p99.9 %.2f ms   max %.2f ms%n",
                    latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getValueAtPercentile(99.9) / 1000.0, latency.getMaxValue() / 1000.0);
        }
    }

    private static void chunkLogCost(Database database, DatabaseSettings settings, PrintStream out) {
        var plain = new JdbcChunkLog(database.dataSource(), writer(database));
        var scaled = new JdbcChunkLog(database.dataSource(), writer(database), 42)
                .announcingHeadsOn(SignalPayload.channel(settings.schema()));
        measure("single node (no fencing, no NOTIFY)", plain, "plain", out);
        measure("scale-out (fenced on the owner token, head NOTIFY per batch)", scaled, "scaled", out);
        measure("single node, again", plain, "plain2", out);
        measure("scale-out, again", scaled, "scaled2", out);
    }

    private static JdbcWriter writer(Database database) {
        return new JdbcWriter(database.dataSource(), 1_000_000, Duration.ofMillis(20), Duration.ofMillis(500));
    }

    private static void measure(String label, JdbcChunkLog log, String prefix, PrintStream out) {
        ModelId model = ModelId.of("gpt-4o");
        List<String> texts = new ArrayList<>();
        List<ModelId> models = new ArrayList<>();
        for (int c = 0; c < CHUNKS_PER_BATCH; c++) {
            texts.add(" token" + c);
            models.add(model);
        }
        long start = System.nanoTime();
        for (int flush = 0; flush < FLUSHES; flush++) {
            var batches = new ArrayList<ChunkBatch>(STREAMS);
            for (int s = 0; s < STREAMS; s++) {
                batches.add(new ChunkBatch(SessionId.of(prefix + "-" + s), flush * CHUNKS_PER_BATCH, texts, models));
            }
            log.append(batches);
        }
        SessionId last = SessionId.of(prefix + "-" + (STREAMS - 1));
        int expected = FLUSHES * CHUNKS_PER_BATCH;
        while (log.read(last, expected - 1).isEmpty()) {
            Thread.onSpinWait();
        }
        long nanos = System.nanoTime() - start;
        long chunks = (long) FLUSHES * STREAMS * CHUNKS_PER_BATCH;
        out.printf("chunk log, %s: %d chunks in %d batches of %d, %d batches per transaction: %.2f µs/chunk, %.0f chunks/s%n",
                label, chunks, FLUSHES * STREAMS, CHUNKS_PER_BATCH, STREAMS, nanos / 1000.0 / chunks,
                chunks / (nanos / 1e9));
    }
}
