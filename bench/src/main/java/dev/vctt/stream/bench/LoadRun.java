package dev.vctt.stream.bench;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.UnixOperatingSystemMXBean;
import dev.vctt.stream.bench.LoadReport.ThreadGroupUse;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One load cell, start to end, in this process: the fake provider, the server (built by bootstrap
 * from an environment that points OpenAI at the fake, on a free port, with its embedded PostgreSQL
 * unless {@code DATABASE_URL} names one; or several nodes, see {@link ServerNodes}), an unmeasured
 * warm-up pass so that JIT compilation is not billed to the run, then the measured pass.
 */
public final class LoadRun {

    /** The warm-up's streams are short and quick: their job is to get the chunk path compiled. */
    private static final String WARMUP_MESSAGE = "Warm-up request. fake:pace=200 fake:tokens=%d";
    private static final String MESSAGE = "Explain the trade-offs of streaming LLM tokens over WebSocket.";
    private static final long SAMPLE_MS = 100;

    private final LoadOptions options;
    private final Consumer<String> progress;
    private final Map<String, String> environment;
    private final HarnessThreads harness = new HarnessThreads();

    private LoadRun(LoadOptions options, Map<String, String> environment, Consumer<String> progress) {
        this.options = options;
        this.environment = environment;
        this.progress = progress;
    }

    /** Runs the cell; {@code environment} is what the server reads its settings from, besides those the bench sets. */
    public static LoadReport run(LoadOptions options, Map<String, String> environment, Consumer<String> progress)
            throws IOException, InterruptedException {
        return new LoadRun(options, environment, progress).run();
    }

    private LoadReport run() throws IOException, InterruptedException {
        warnAboutFileDescriptors();
        Optional<Path> tempDir = Optional.empty();
        var settings = new FakeProvider.Settings(options.tokens(), options.rate(), options.ttftMs(), LoadClients.TOKEN_TEXT);
        HttpClient[] clients = LoadClients.httpClients(options.clients());
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-scheduler");
            t.setDaemon(true);
            return t;
        });
        try (FakeProvider provider = FakeProvider.start(settings, harness)) {
            Optional<Path> dataDir = options.dataDir();
            if (!environment.containsKey("DATABASE_URL") && dataDir.isEmpty()) {
                tempDir = Optional.of(Files.createTempDirectory("vctt-bench-"));
                dataDir = tempDir;
            }
            Map<String, String> env = serverEnvironment(environment, provider.baseUrl(), dataDir);
            progress.accept("starting " + (options.nodes() == 1 ? "the server" : options.nodes() + " nodes")
                    + " (fake provider at " + provider.baseUrl() + ")");
            try (ServerNodes servers = ServerNodes.start(options.nodes(), options.sharedDatabase(), env, dataDir, progress)) {
                servers.nodes().forEach(node -> progress.accept("node " + node.id() + " on port " + node.port()));
                if (options.warmupStreams() > 0) {
                    long started = System.nanoTime();
                    var warmup = new LoadClients(options.protocol(), servers.ports(), options.warmupStreams(), 1,
                            WARMUP_MESSAGE.formatted(options.warmupTokens()), clients, harness, options.bandMembers());
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(60, options.timeoutSeconds()));
                    warmup.connect(options.connectConcurrency(), deadline);
                    warmup.start(scheduler, 0);
                    warmup.await(deadline);
                    warmup.close();
                    progress.accept(String.format(Locale.ROOT, "warm-up: %d streams, %d chunks, %d failed, %.1f s",
                            options.warmupStreams(), warmup.chunks.get(),
                            Arrays.stream(warmup.stats()).filter(s -> s.error != null).count(),
                            (System.nanoTime() - started) / 1e9));
                }
                return measure(servers, clients, scheduler);
            }
        } finally {
            scheduler.shutdownNow();
            for (HttpClient client : clients) {
                client.shutdownNow();
            }
            if (tempDir.isPresent()) {
                deleteQuietly(tempDir.get());
            }
        }
    }

    /**
     * The server's environment: the given one, on a free loopback port, with every provider pointed
     * at the fake so that no request of a run (a fallback included) leaves loopback or spends money
     * with a key found in the environment; the data directory is used unless DATABASE_URL is set.
     */
    static Map<String, String> serverEnvironment(Map<String, String> environment, URI fake, Optional<Path> dataDir) {
        var env = new HashMap<>(environment);
        env.put("PORT", "0");
        env.put("VCTT_HOST", "127.0.0.1");
        for (String prefix : new String[] {"OPENAI", "ANTHROPIC", "XAI"}) {
            env.put(prefix + "_BASE_URL", fake.toString());
            env.put(prefix + "_API_KEY", "sk-bench");
        }
        if (!env.containsKey("DATABASE_URL")) {
            dataDir.ifPresent(dir -> env.put("VCTT_DATA_DIR", dir.toString()));
        }
        return env;
    }

    private LoadReport measure(ServerNodes servers, HttpClient[] clients, ScheduledExecutorService scheduler)
            throws InterruptedException {
        var run = new LoadClients(options.protocol(), servers.ports(), options.streams(), options.rounds(), MESSAGE, clients, harness,
                options.bandMembers());
        run.pacedAt(options.rate());
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long rssIdle = ProcFs.rssKb();
        long heapIdle = memory.getHeapMemoryUsage().getUsed();
        var sampler = new Sampler(memory, rssIdle, heapIdle);
        sampler.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.timeoutSeconds());
        progress.accept("connecting " + options.streams() + " clients");
        run.connect(options.connectConcurrency(), deadline);

        var os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long harness0 = harness.cpuNanos();
        long switches0 = processSwitches();
        long harnessSwitches0 = harness.contextSwitches();
        long allocated0 = harness.allAllocatedBytes();
        long harnessAllocated0 = harness.allocatedBytes();
        long[] gc0 = gc();
        List<ProcFs.Task> tasks0 = ProcFs.tasks();
        long t0 = System.nanoTime();

        progress.accept("streaming: " + options.totalStreams() + " streams");
        run.start(scheduler, options.staggerMs());
        run.await(deadline);

        long t1 = System.nanoTime();
        long cpu1 = os.getProcessCpuTime();
        long harness1 = harness.cpuNanos();
        long switches1 = processSwitches();
        long harnessSwitches1 = harness.contextSwitches();
        long allocated1 = harness.allAllocatedBytes();
        long harnessAllocated1 = harness.allocatedBytes();
        long[] gc1 = gc();
        List<ProcFs.Task> tasks1 = ProcFs.tasks();
        sampler.stop();
        run.close();

        long chunks = run.chunks.get();
        double perChunk = Math.max(1, chunks);
        LoadClients.StreamStat[] stats = run.stats();
        long[] firstChunks = Arrays.stream(stats).filter(s -> s.firstChunkNs > 0)
                .mapToLong(s -> s.firstChunkNs - s.sentNs).sorted().toArray();
        var errors = new LinkedHashMap<String, Integer>();
        run.errors.forEach((error, count) -> errors.put(error, count.get()));
        long streamingNs = Math.max(1, (run.lastChunkNs.get() > 0 ? run.lastChunkNs.get() : t1)
                - Math.min(run.firstSendNs.get(), t1));
        double windowSeconds = (t1 - t0) / 1e9;
        boolean switches = switches0 >= 0 && switches1 >= 0 && harnessSwitches0 >= 0 && harnessSwitches1 >= 0;
        double processSwitchesPerChunk = switches ? (switches1 - switches0) / perChunk : -1;
        double serverSwitchesPerChunk = switches
                ? ((switches1 - switches0) - (harnessSwitches1 - harnessSwitches0)) / perChunk : -1;
        long serverCpu = (cpu1 - cpu0) - (harness1 - harness0);
        return new LoadReport(options.label(), options, stats.length,
                (int) Arrays.stream(stats).filter(s -> s.completed).count(),
                (int) Arrays.stream(stats).filter(s -> s.error != null).count(),
                (int) Arrays.stream(stats).filter(s -> s.completed && s.chars / LoadClients.TOKEN_TEXT.length() < options.tokensPerStream()).count(),
                errors, chunks, options.tokensPerStream() * stats.length, windowSeconds,
                chunks / (streamingNs / 1e9),
                percentileMs(firstChunks, 0.50), percentileMs(firstChunks, 0.99),
                run.gapsMicros.getValueAtPercentile(50) / 1000.0, run.gapsMicros.getValueAtPercentile(99) / 1000.0,
                run.gapsMicros.getMaxValue() / 1000.0,
                (cpu1 - cpu0) / 1000.0 / perChunk, (harness1 - harness0) / 1000.0 / perChunk, serverCpu / 1000.0 / perChunk,
                serverCpu / (double) (t1 - t0),
                processSwitchesPerChunk, serverSwitchesPerChunk,
                rssIdle, sampler.rssPeak.get(),
                rssIdle < 0 ? -1 : (sampler.rssPeak.get() - rssIdle) / (double) options.streams(),
                (sampler.heapPeak.get() - heapIdle) / 1024.0 / options.streams(),
                ((allocated1 - allocated0) - (harnessAllocated1 - harnessAllocated0)) / perChunk,
                gc1[0] - gc0[0], gc1[1] - gc0[1],
                jitCpu(tasks0, tasks1) / 1000.0 / perChunk,
                options.threads() ? threadGroups(tasks0, tasks1, perChunk) : List.of(),
                serverCpu / 1000.0 / Math.max(1, run.tokens.get()),
                options.rate() == 0 ? -1 : run.lagMicros.getValueAtPercentile(50) / 1000.0,
                options.rate() == 0 ? -1 : run.lagMicros.getValueAtPercentile(99) / 1000.0,
                servers.shares(stats));
    }

    private static double percentileMs(long[] sortedNanos, double quantile) {
        if (sortedNanos.length == 0) {
            return 0;
        }
        int at = (int) Math.ceil(quantile * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, at))] / 1e6;
    }

    /** CPU of the JIT compiler threads ("C1/C2 CompilerThreadN") between the listings, in ns; -1 without /proc. */
    private static long jitCpu(List<ProcFs.Task> before, List<ProcFs.Task> after) {
        if (after.isEmpty()) {
            return -1;
        }
        Map<Long, Long> start = new HashMap<>();
        before.forEach(task -> start.put(task.tid(), task.cpuNanos()));
        return after.stream().filter(task -> task.name().matches("C[12] Compiler.*"))
                .mapToLong(task -> task.cpuNanos() - start.getOrDefault(task.tid(), 0L)).sum();
    }

    private static long processSwitches() {
        if (!ProcFs.available()) {
            return -1;
        }
        return ProcFs.tasks().stream().mapToLong(ProcFs.Task::contextSwitches).sum();
    }

    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** Per thread name (digits dropped): what it used between the two listings; threads that ended are missing. */
    private List<ThreadGroupUse> threadGroups(List<ProcFs.Task> before, List<ProcFs.Task> after, double chunks) {
        if (after.isEmpty()) {
            return List.of();
        }
        Map<Long, ProcFs.Task> start = new HashMap<>();
        before.forEach(task -> start.put(task.tid(), task));
        record Sum(String name, boolean harness, int threads, long cpu, long switches) {
        }
        Map<String, Sum> groups = new HashMap<>();
        for (ProcFs.Task task : after) {
            ProcFs.Task first = start.get(task.tid());
            long cpu = task.cpuNanos() - (first == null ? 0 : first.cpuNanos());
            long switches = task.contextSwitches() - (first == null ? 0 : first.contextSwitches());
            boolean ours = harness.contains(task.tid());
            String name = (ours ? "bench " : "") + task.name().replaceAll("[0-9]+", "#");
            groups.merge(name, new Sum(name, ours, 1, cpu, switches),
                    (a, b) -> new Sum(a.name, a.harness, a.threads + 1, a.cpu + b.cpu, a.switches + b.switches));
        }
        return groups.values().stream()
                .filter(g -> g.cpu > 0 || g.switches > 0)
                .sorted(Comparator.comparingLong((Sum g) -> g.cpu).thenComparingLong(g -> g.switches).reversed())
                .map(g -> new ThreadGroupUse(g.name, g.threads, g.harness, g.cpu / 1000.0 / chunks, g.switches / chunks))
                .toList();
    }

    private void warnAboutFileDescriptors() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
            // each stream holds four sockets in this process: client, server side, upstream, provider side
            // (a band two more per further member)
            long needed = (2L + 2L * Math.max(1, options.bandMembers())) * Math.max(options.streams(), options.warmupStreams())
                    + 512;
            if (unix.getMaxFileDescriptorCount() < needed) {
                progress.accept("WARNING: " + needed + " file descriptors needed, the limit is "
                        + unix.getMaxFileDescriptorCount() + " (raise it with ulimit -n)");
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a temp dir left behind is harmless
        }
    }

    /** Samples the process's RSS and used heap every 100 ms on its own (enlisted) thread, keeping the peaks. */
    private final class Sampler {
        private final MemoryMXBean memory;
        final AtomicLong rssPeak;
        final AtomicLong heapPeak;
        private final Thread thread;
        private volatile boolean stopped;

        Sampler(MemoryMXBean memory, long rssIdle, long heapIdle) {
            this.memory = memory;
            this.rssPeak = new AtomicLong(rssIdle);
            this.heapPeak = new AtomicLong(heapIdle);
            this.thread = new Thread(this::run, "bench-sampler");
            this.thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            stopped = true;
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(5));
            sample();
        }

        private void run() {
            harness.enlist();
            while (!stopped) {
                sample();
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample() {
            long rss = ProcFs.rssKb();
            if (rss > 0) {
                rssPeak.accumulateAndGet(rss, Math::max);
            }
            heapPeak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
        }
    }
}
