package dev.vctt.stream.bench.jmh;

import dev.vctt.stream.adapters.websocket.connection.Outbox;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A connection's {@link Outbox} per chunk frame: {@code flowing} offers a chunk to a transport that
 * completes at once (a client that keeps up, the common case); {@code backedUp} offers chunks of
 * one stream to a transport that completes nothing, so the outbox fills and then merges the waiting
 * chunks into one frame, again and again: the cost per offer, merges amortized, for a client that
 * fell behind (it starts over before the merged text outgrows the outbox, so it never gives up).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutboxBenchmark {

    private static final String FRAME = "{\"event\":\"stream_chunk\",\"data\":{\"sessionId\":\"3f9a2c1e-6b7d-4e8f-9a0b-"
            + "1c2d3e4f5a6b\",\"index\":41,\"chunk\":\" token\",\"model\":\"gpt-4o\",\"tokensUsed\":42,"
            + "\"estimatedCost\":0.0004975,\"timestamp\":\"2026-12-01T03:30:00.123Z\"}}";

    private Outbox flowing;
    private Outbox.Chunk chunk;
    private final List<Consumer<Throwable>> held = new ArrayList<>();
    private Outbox backedUp;
    private int offeredSinceReset;

    @Setup
    public void setUp(Blackhole sink) {
        flowing = new Outbox((frame, done) -> {
            sink.consume(frame);
            done.accept(null);
        }, 1 << 20, 64, giveUp -> {
        });
        chunk = new Outbox.Chunk("stream", " token", text -> text == chunk.text() ? FRAME
                : FRAME.replace("\" token\"", '"' + text + '"'));
        resetBackedUp();
    }

    private void resetBackedUp() {
        held.clear();
        backedUp = new Outbox((frame, done) -> held.add(done), 16 * FRAME.length(), 1, giveUp -> {
            throw new IllegalStateException("the benchmark's outbox must never give up");
        });
        for (int i = 0; i < 16; i++) {
            backedUp.offer(chunk);
        }
        offeredSinceReset = 0;
    }

    @Benchmark
    public boolean flowing() {
        return flowing.offer(chunk);
    }

    @Benchmark
    public boolean backedUp() {
        // the merged text grows with every offer; start over before it outgrows the outbox
        if (++offeredSinceReset == 100) {
            resetBackedUp();
        }
        return backedUp.offer(chunk);
    }
}
