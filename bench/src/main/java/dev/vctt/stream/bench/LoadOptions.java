package dev.vctt.stream.bench;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * One load cell and how to run it. The presets are the cells of issue 16: {@code n100} (100 streams
 * at 20 tokens/s, 200 tokens each), {@code n1000}, {@code n5000} (at 4 tokens/s) and {@code sat}
 * (100 connections, 10 unpaced streams each, back to back), and issue 12's {@code band100} (100 bands of
 * three members and a synthesis, one band per connection, at n100's pace and length). Any cell runs
 * on one server or, with {@code --nodes N}, on N servers sharing one database (issue 13).
 */
public record LoadOptions(
        String label,
        Protocol protocol,
        int streams,
        int rounds,
        double rate,
        int tokens,
        long ttftMs,
        int warmupStreams,
        int warmupTokens,
        long staggerMs,
        long timeoutSeconds,
        int clients,
        int connectConcurrency,
        Optional<Path> dataDir,
        boolean threads,
        int bandMembers,
        int nodes,
        boolean sharedDatabase) {

    /** Nodes one run may start in its JVM: enough to compare one with a few, on a machine of a few cores. */
    public static final int MAX_NODES = 8;

    /** How the clients speak to the server. */
    public enum Protocol { NATIVE, SOCKETIO }

    public static final String USAGE = """
            usage: java -jar vctt-bench.jar [load] [options]     an in-process load run (the default)
                   java -jar vctt-bench.jar jmh [JMH options]      the JMH benchmarks of the chunk path
                   java -jar vctt-bench.jar cluster                what scale-out adds: signal latency,
                                                                   the shared chunk log's cost per chunk

            Starts a fake OpenAI-compatible provider, the server (pointed at it, with its embedded
            PostgreSQL or DATABASE_URL; or --nodes N servers on one database) and the WebSocket
            clients in this JVM, runs one cell and prints its figures. JVM flags (-Xmx,
            -XX:+UseSerialGC) given to java apply to the server(s).

              --cell n100|n1000|n5000|sat|band100   a preset (options after it override it)
              --streams N               concurrent streams, one connection each          [100]
              --rate R                  tokens per second per stream; 0 = unpaced        [20]
              --tokens T                tokens (chunks) per stream                       [200]
              --rounds K                streams per connection, one after another        [1]
              --saturation              = --cell sat: 100 streams x 10 rounds, unpaced
              --ttft-ms MS              provider delay before the first token            [0]
              --protocol native|socketio                                                 [native]
              --warmup-streams W        unmeasured streams first, at 200 tokens/s        [100]
              --warmup-tokens T         tokens per warm-up stream                        [200]
              --stagger-ms MS           spread the requests over MS                      [1000]
              --timeout-s S             give up on streams not done by then              [120]
              --clients K               client HttpClients (selector threads)            [2]
              --connect-concurrency C   WebSocket handshakes in flight                   [200]
              --data-dir DIR            where the embedded PostgreSQL keeps its data     [a temp dir]
              --threads                 also print CPU and context switches per thread group
              --band M                  each stream is a band of M members + synthesis   [0]
              --nodes N                 N servers (own port and VCTT_NODE_ID each) on one
                                        database, clients spread round-robin over them   [1]
              --shared-db               the bench starts the embedded PostgreSQL and hands
                                        it to the server(s) as DATABASE_URL, so that even
                                        one node runs as a cluster member (LISTEN
                                        connection, fenced chunk inserts); --nodes 2+ and
                                        DATABASE_URL imply it
            """;

    public LoadOptions {
        if (bandMembers < 0 || bandMembers > 5) {
            throw new IllegalArgumentException("--band takes 0 (single streams) to 5 members");
        }
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new IllegalArgumentException("--nodes takes 1 to " + MAX_NODES + ", got " + nodes);
        }
        if (streams < 1 || rounds < 1 || rate < 0 || tokens < 1 || ttftMs < 0 || warmupStreams < 0 || warmupTokens < 1 || staggerMs < 0
                || timeoutSeconds < 1 || clients < 1 || connectConcurrency < 1) {
            throw new IllegalArgumentException("an option is out of range");
        }
    }

    public static LoadOptions defaults() {
        return cell("n100");
    }

    public static LoadOptions cell(String name) {
        return switch (name) {
            case "n100" -> new LoadOptions("n100", Protocol.NATIVE, 100, 1, 20, 200, 0, 100, 200, 1000, 120, 2, 200,
                    Optional.empty(), false, 0, 1, false);
            case "n1000" -> cell("n100").withLabel("n1000").withStreams(1000);
            case "n5000" -> cell("n100").withLabel("n5000").withStreams(5000).withRate(4);
            case "sat" -> cell("n100").withLabel("sat").withRounds(10).withRate(0);
            case "band100" -> cell("n100").withLabel("band100").withBandMembers(3);
            default -> throw new IllegalArgumentException("unknown cell '" + name + "' (n100, n1000, n5000, sat, band100)");
        };
    }

    /** Reads the options; throws {@link IllegalArgumentException} with a message for the user. */
    public static LoadOptions parse(String... args) {
        LoadOptions options = defaults();
        boolean labelled = true; // the defaults are the n100 cell
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--saturation" -> {
                    options = keep(options, cell("sat"));
                    labelled = true;
                }
                case "--threads" -> options = options.withThreads(true);
                case "--shared-db" -> options = options.withSharedDatabase(true);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("unknown option or missing value: " + arg);
                    }
                    String value = args[++i];
                    options = switch (arg) {
                        case "--cell" -> {
                            labelled = true;
                            yield keep(options, cell(value));
                        }
                        case "--streams", "-n" -> options.withStreams(positive(arg, value));
                        case "--rate" -> options.withRate(number(arg, value));
                        case "--tokens" -> options.withTokens(positive(arg, value));
                        case "--rounds" -> options.withRounds(positive(arg, value));
                        case "--ttft-ms" -> options.withTtftMs(positive0(arg, value));
                        case "--protocol" -> options.withProtocol(protocol(value));
                        case "--warmup-streams" -> options.withWarmupStreams((int) positive0(arg, value));
                        case "--warmup-tokens" -> options.withWarmupTokens(positive(arg, value));
                        case "--stagger-ms" -> options.withStaggerMs(positive0(arg, value));
                        case "--timeout-s" -> options.withTimeoutSeconds(positive(arg, value));
                        case "--clients" -> options.withClients(positive(arg, value));
                        case "--connect-concurrency" -> options.withConnectConcurrency(positive(arg, value));
                        case "--data-dir" -> options.withDataDir(Path.of(value));
                        case "--band" -> options.withBandMembers((int) positive0(arg, value));
                        case "--nodes" -> options.withNodes(positive(arg, value));
                        default -> throw new IllegalArgumentException("unknown option: " + arg);
                    };
                }
            }
        }
        boolean presetAsIs = labelled && options.equalsCell(cell(options.label));
        String cell = presetAsIs ? options.label : String.format(Locale.ROOT, "n%d-r%s-t%d%s", options.streams,
                options.rate == Math.rint(options.rate) ? Long.toString((long) options.rate) : Double.toString(options.rate),
                options.tokens, options.rounds > 1 ? "-x" + options.rounds : "")
                + (options.bands() ? "-band" + options.bandMembers : "");
        // one node on its own database keeps the label of the figures taken before --nodes existed
        return options.withLabel(cell + (options.nodes > 1 ? "-" + options.nodes + "nodes"
                : options.sharedDatabase ? "-1node-shared" : ""));
    }

    /** A preset's cell with what was already chosen that is not part of a cell (protocol, warm-up, ...). */
    private static LoadOptions keep(LoadOptions chosen, LoadOptions preset) {
        return new LoadOptions(preset.label, chosen.protocol, preset.streams, preset.rounds, preset.rate, preset.tokens,
                chosen.ttftMs, chosen.warmupStreams, chosen.warmupTokens, chosen.staggerMs, chosen.timeoutSeconds, chosen.clients,
                chosen.connectConcurrency, chosen.dataDir, chosen.threads, preset.bandMembers,
                chosen.nodes, chosen.sharedDatabase);
    }

    private boolean equalsCell(LoadOptions preset) {
        return streams == preset.streams && rounds == preset.rounds && rate == preset.rate && tokens == preset.tokens
                && bandMembers == preset.bandMembers;
    }

    /** Streams the measured run starts in all. */
    public int totalStreams() {
        return streams * rounds;
    }

    public LoadOptions withLabel(String value) {
        return new LoadOptions(value, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withProtocol(Protocol value) {
        return new LoadOptions(label, value, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withStreams(int value) {
        return new LoadOptions(label, protocol, value, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withRounds(int value) {
        return new LoadOptions(label, protocol, streams, value, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withRate(double value) {
        return new LoadOptions(label, protocol, streams, rounds, value, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withTokens(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, value, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withTtftMs(long value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, value, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withWarmupStreams(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, value, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withWarmupTokens(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, value, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withStaggerMs(long value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, value,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withTimeoutSeconds(long value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                value, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withClients(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, value, connectConcurrency, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withConnectConcurrency(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, value, dataDir, threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withDataDir(Path value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, Optional.of(value), threads, bandMembers, nodes, sharedDatabase);
    }

    public LoadOptions withBandMembers(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, value, nodes, sharedDatabase);
    }

    public LoadOptions withNodes(int value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, value, sharedDatabase);
    }

    public LoadOptions withSharedDatabase(boolean value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, threads, bandMembers, nodes, value);
    }

    /** Whether each "stream" of the cell is a band: its members, then a synthesis, on one connection. */
    public boolean bands() {
        return bandMembers > 0;
    }

    /** The chunks one stream (or one band: every member and the synthesis) writes when it runs to the end. */
    public long tokensPerStream() {
        return (long) tokens * (bands() ? bandMembers + 1 : 1);
    }

    public LoadOptions withThreads(boolean value) {
        return new LoadOptions(label, protocol, streams, rounds, rate, tokens, ttftMs, warmupStreams, warmupTokens, staggerMs,
                timeoutSeconds, clients, connectConcurrency, dataDir, value, bandMembers, nodes, sharedDatabase);
    }

    private static Protocol protocol(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "native" -> Protocol.NATIVE;
            case "socketio", "socket.io" -> Protocol.SOCKETIO;
            default -> throw new IllegalArgumentException("--protocol must be native or socketio, got '" + value + "'");
        };
    }

    private static int positive(String option, String value) {
        long n = positive0(option, value);
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(option + " must be at least 1, got '" + value + "'");
        }
        return (int) n;
    }

    private static long positive0(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative, got '" + value + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a whole number, got '" + value + "'", e);
        }
    }

    private static double number(String option, String value) {
        try {
            double n = Double.parseDouble(value);
            if (!(n >= 0) || Double.isInfinite(n)) {
                throw new IllegalArgumentException(option + " must be a number >= 0, got '" + value + "'");
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " takes a number, got '" + value + "'", e);
        }
    }
}
