package dev.vctt.stream.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one measured run. CPU and context switches are over the streaming window (first
 * request sent to last stream ended); "server" is the process minus the bench's own threads (fake
 * provider, clients, scheduler, sampler), so it includes the JVM's shared work (GC, JIT) that the
 * bench's allocations also cause. Memory figures are for the whole process, clients included.
 */
public record LoadReport(
        String label,
        LoadOptions options,
        int streams,
        int completed,
        int failed,
        int shortStreams,
        Map<String, Integer> errors,
        long chunks,
        long expectedChunks,
        double windowSeconds,
        double chunksPerSecond,
        double firstChunkP50Ms,
        double firstChunkP99Ms,
        double gapP50Ms,
        double gapP99Ms,
        double gapMaxMs,
        double processCpuUsPerChunk,
        double harnessCpuUsPerChunk,
        double serverCpuUsPerChunk,
        double serverCores,
        double processSwitchesPerChunk,
        double serverSwitchesPerChunk,
        long rssIdleKb,
        long rssPeakKb,
        double rssKbPerStream,
        double heapKbPerStream,
        double serverBytesPerChunk,
        long gcCount,
        long gcMillis,
        double jitCpuUsPerChunk,
        List<ThreadGroupUse> threadGroups,
        double serverCpuUsPerToken,
        double tokenLagP50Ms,
        double tokenLagP99Ms,
        List<NodeShare> nodes) {

    /** What one node served, as the clients saw it. */
    public record NodeShare(String id, int port, int streams, int completed, long chunks) {
    }

    /** CPU and switches of the threads whose names match once digits are dropped, over the window. */
    public record ThreadGroupUse(String name, int threads, boolean harness, double cpuUsPerChunk, double switchesPerChunk) {
    }

    public LoadReport {
        errors = Map.copyOf(errors);
        threadGroups = List.copyOf(threadGroups);
        nodes = List.copyOf(nodes);
    }

    static final String TABLE_HEAD = """
            | cell | done/err | chunks/s | first chunk p50 / p99 ms | gap p99 ms | server µs CPU/chunk | server ctx sw/chunk | server B alloc/chunk | KB/stream (RSS) |
            |---|---|---|---|---|---|---|---|---|""";

    /** The row of issue 16's table for this run. */
    public String tableRow() {
        return String.format(Locale.ROOT, "| %s | %d/%d | %.0f | %.1f / %.1f | %.1f | %.1f | %s | %.0f | %s |",
                label, completed, failed, chunksPerSecond, firstChunkP50Ms, firstChunkP99Ms, gapP99Ms, serverCpuUsPerChunk,
                serverSwitchesPerChunk < 0 ? "–" : String.format(Locale.ROOT, "%.2f", serverSwitchesPerChunk),
                serverBytesPerChunk, rssKbPerStream < 0 ? "–" : String.format(Locale.ROOT, "%.0f", rssKbPerStream));
    }

    /** Everything, for a reader: the table row and the figures behind it. */
    public String render() {
        var out = new StringBuilder();
        out.append(TABLE_HEAD).append('\n').append(tableRow()).append("\n\n");
        out.append(String.format(Locale.ROOT, "streams          %d (%d connections x %d rounds), %s, %s, %d tokens%n",
                streams, options.streams(), options.rounds(), options.protocol().name().toLowerCase(Locale.ROOT),
                options.rate() == 0 ? "unpaced" : fmt(options.rate()) + " tok/s", options.tokens()));
        if (options.bands()) {
            out.append(String.format(Locale.ROOT, "bands            each stream is a band of %d members + synthesis%n",
                    options.bandMembers()));
        }
        out.append(String.format(Locale.ROOT, "ended            %d completed, %d failed, %d short of %d chunks%n",
                completed, failed, shortStreams, options.tokensPerStream()));
        errors.forEach((error, count) -> out.append(String.format(Locale.ROOT, "  error          %d x %s%n", count, error)));
        out.append(String.format(Locale.ROOT, "nodes            %d in this JVM%s, clients round-robin%n", nodes.size(),
                nodes.size() > 1 || options.sharedDatabase() ? " on one shared database" : ""));
        nodes.forEach(node -> out.append(String.format(Locale.ROOT, "  %-14s port %d: %d streams, %d completed, %d chunks%n",
                node.id(), node.port(), node.streams(), node.completed(), node.chunks())));
        out.append(String.format(Locale.ROOT, "chunks           %d of %d in %.2f s: %.0f chunks/s%n",
                chunks, expectedChunks, windowSeconds, chunksPerSecond));
        out.append(String.format(Locale.ROOT, "first chunk      p50 %.1f ms, p99 %.1f ms (request sent -> first stream_chunk)%n",
                firstChunkP50Ms, firstChunkP99Ms));
        out.append(String.format(Locale.ROOT, "gap              p50 %.1f ms, p99 %.1f ms, max %.1f ms (between chunks of a stream)%n",
                gapP50Ms, gapP99Ms, gapMaxMs));
        out.append(String.format(Locale.ROOT, "CPU per chunk    server %.1f µs = process %.1f - bench threads %.1f; server %.2f cores%n",
                serverCpuUsPerChunk, processCpuUsPerChunk, harnessCpuUsPerChunk, serverCores));
        if (jitCpuUsPerChunk >= 0) {
            out.append(String.format(Locale.ROOT, "                 of which JIT compiler threads %.1f µs (a longer warm-up lowers it)%n",
                    jitCpuUsPerChunk));
        }
        out.append(String.format(Locale.ROOT, "CPU per token    server %.1f µs (per provider token: a smoothed chunk carries several)%n",
                serverCpuUsPerToken));
        if (tokenLagP99Ms >= 0) {
            out.append(String.format(Locale.ROOT, "token lag        p50 %.1f ms, p99 %.1f ms (a token's arrival - its stream's first chunk"
                    + " - its index / rate: what the server holds a token beyond the first chunk's latency)%n",
                    tokenLagP50Ms, tokenLagP99Ms));
        }
        if (processSwitchesPerChunk >= 0) {
            out.append(String.format(Locale.ROOT, "ctx switches     server %.2f per chunk, process %.2f (voluntary + involuntary, /proc/self/task)%n",
                    serverSwitchesPerChunk, processSwitchesPerChunk));
        } else {
            out.append("ctx switches     not measured (no /proc)\n");
        }
        out.append(String.format(Locale.ROOT, "allocation       server %.0f bytes per chunk (all threads minus the bench's)%n",
                serverBytesPerChunk));
        out.append(String.format(Locale.ROOT, "memory           RSS %d -> %d MB: %.0f KB per stream (peak - idle before connecting, / %d "
                        + "connections; the in-process clients and provider included); heap used peak - idle: %.0f KB per "
                        + "stream (garbage included)%n",
                rssIdleKb / 1024, rssPeakKb / 1024, rssKbPerStream, options.streams(), heapKbPerStream));
        out.append(String.format(Locale.ROOT, "GC               %d collections, %d ms in the window%n", gcCount, gcMillis));
        if (!threadGroups.isEmpty()) {
            out.append("\nthreads (from /proc, CPU at 10 ms resolution; * = bench)\n");
            out.append(String.format(Locale.ROOT, "  %-28s %7s %12s %12s%n", "name", "threads", "µs CPU/chunk", "ctx sw/chunk"));
            for (ThreadGroupUse group : threadGroups) {
                out.append(String.format(Locale.ROOT, "  %-28s %7d %12.1f %12.2f%n", (group.harness() ? "* " : "  ") + group.name(),
                        group.threads(), group.cpuUsPerChunk(), group.switchesPerChunk()));
            }
        }
        return out.toString();
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
