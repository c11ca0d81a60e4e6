package dev.vctt.stream.bench;

import java.io.PrintStream;
import java.time.Instant;
import java.util.Arrays;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * {@code java -jar vctt-bench.jar [load] [options]} runs one load cell in this process and prints its
 * figures; {@code java -jar vctt-bench.jar jmh [JMH options]} runs the JMH benchmarks of the chunk path;
 * {@code java -jar vctt-bench.jar cluster} measures what scale-out costs ({@link ClusterBench}).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("cluster")) {
            ClusterBench.run(System.out);
            System.exit(0);
            return;
        }
        if (args.length > 0 && args[0].equals("jmh")) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String[] loadArgs = args.length > 0 && args[0].equals("load") ? Arrays.copyOfRange(args, 1, args.length) : args;
        PrintStream out = System.out;
        if (Arrays.asList(loadArgs).contains("--help") || Arrays.asList(loadArgs).contains("-h")) {
            out.print(LoadOptions.USAGE);
            return;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(loadArgs);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(LoadOptions.USAGE);
            System.exit(2);
            return;
        }
        // the server logs at WARN unless told otherwise: a line per stream would be measured too
        if (System.getenv("VCTT_LOG_LEVEL") == null && System.getProperty("VCTT_LOG_LEVEL") == null) {
            System.setProperty("VCTT_LOG_LEVEL", "WARN");
        }
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        out.println("vctt-bench " + options.label() + " at " + Instant.now() + ", Java " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " CPUs, max heap "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB");
        LoadReport report = LoadRun.run(options, System.getenv(), line -> out.println("  " + line));
        out.println();
        out.print(report.render());
        System.exit(report.failed() == 0 ? 0 : 1);
    }
}
