package dev.vctt.stream.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs streams through a throwaway server in this JVM before the real one listens
 * ({@code VCTT_WARMUP_STREAMS}), so that the JIT compiles the chunk path (provider client, parser,
 * relay, frames, records) before the first client's stream rather than during it. The throwaway
 * server is a whole {@link ServerApp} with the defaults, on a loopback port, every provider pointed
 * at a {@link WarmupProvider} and its own embedded PostgreSQL in a temporary directory, deleted
 * afterwards: nothing of the real configuration is used (no provider key, no MCP server, no
 * database), so the warm-up leaves no record and spends nothing.
 *
 * <p>It runs {@link #ROUNDS} times, a new throwaway server each time. Stopping a server takes paths
 * its traffic never took (selector loops and worker queues that end), and the JIT, which compiled
 * them as never taken, throws that compiled code away: one round left the real server to compile
 * its HTTP client's selector loop, its worker queues and more again under its first clients. The
 * second round compiles them again with the first stop in their profiles, and its own stop then
 * discards almost nothing (docs/performance.md: at 100 paced streams a sixth less CPU per chunk and a
 * third of the memory per stream than one round of twice as many streams).
 */
final class Warmup {

    /**
     * How it went, over all rounds; {@code dataDirs} (deleted by then) are where their databases were.
     */
    record Outcome(int streams, int completed, int failed, int chunks, Duration took, List<Path> dataDirs) {
    }

    static final int ROUNDS = 2;
    private static final int MAX_CONNECTIONS = 100;
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    private Warmup() {
    }

    /** Runs {@code streams} streams in each of the {@link #ROUNDS} rounds. */
    static Outcome run(int streams) throws InterruptedException {
        long started = System.nanoTime();
        int completed = 0;
        int failed = 0;
        int chunks = 0;
        var dataDirs = new ArrayList<Path>();
        for (int round = 0; round < ROUNDS; round++) {
            Path dataDir = temporaryDirectory();
            dataDirs.add(dataDir);
            WarmupLoad.Counts counts;
            try {
                counts = round(streams, dataDir);
            } finally {
                deleteQuietly(dataDir);
            }
            completed += counts.completed();
            failed += counts.failed();
            chunks += counts.chunks();
        }
        return new Outcome(streams * ROUNDS, completed, failed, chunks, Duration.ofNanos(System.nanoTime() - started),
                List.copyOf(dataDirs));
    }

    private static WarmupLoad.Counts round(int streams, Path dataDir) throws InterruptedException {
        try (WarmupProvider provider = WarmupProvider.start()) {
            ServerApp server = ServerApp.start(AppConfig.fromEnv(environment(provider, dataDir)), Clock.systemUTC());
            try {
                return WarmupLoad.run(server.port(), Math.min(MAX_CONNECTIONS, streams), streams, PATIENCE);
            } finally {
                server.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The throwaway server's whole environment: the defaults, on loopback, every provider at the fake. */
    static Map<String, String> environment(WarmupProvider provider, Path dataDir) {
        var env = new HashMap<String, String>();
        env.put("PORT", "0");
        env.put("VCTT_HOST", "127.0.0.1");
        env.put("VCTT_DATA_DIR", dataDir.toString());
        env.put("VCTT_NODE_ID", "warm-up");
        for (String prefix : new String[] {"OPENAI", "ANTHROPIC", "XAI"}) {
            env.put(prefix + "_BASE_URL", provider.baseUrl().toString());
            env.put(prefix + "_API_KEY", "sk-warm-up");
        }
        return env;
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("vctt-warmup");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind is the operating system's to clear
        }
    }
}
