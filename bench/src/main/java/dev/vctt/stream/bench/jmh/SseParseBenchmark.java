package dev.vctt.stream.bench.jmh;

import dev.vctt.stream.adapters.llm.sse.SseEvent;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.SseParser;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The SSE parser on Chat Completions token events: per event, when each arrives in its own read
 * (a paced stream) and when many arrive in one read (a provider ahead of the relay).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseParseBenchmark {

    private static final int EVENTS = 64;

    private byte[] one;
    private byte[] many;
    private SseParser parser;

    @Setup
    public void setUp(Blackhole blackhole) {
        one = ChunkSamples.TOKEN_EVENT;
        many = ChunkSamples.tokenEvents(EVENTS);
        SseParser.Handler handler = (SseEvent event) -> blackhole.consume(event);
        parser = new SseParser(handler, SseLimits.DEFAULTS.maxLineBytes(), SseLimits.DEFAULTS.maxEventChars());
    }

    @Benchmark
    public void eventPerRead() {
        parser.feed(one, 0, one.length);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void manyEventsPerRead() {
        parser.feed(many, 0, many.length);
    }
}
