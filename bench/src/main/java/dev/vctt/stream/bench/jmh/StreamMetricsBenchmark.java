package dev.vctt.stream.bench.jmh;

import dev.vctt.stream.adapters.websocket.metrics.MicrometerStreamMetrics;
import dev.vctt.stream.domain.routing.ModelId;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** What the metrics cost per chunk: the gap since the stream's previous chunk, recorded in its model's timer. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StreamMetricsBenchmark {

    private final MicrometerStreamMetrics metrics = new MicrometerStreamMetrics();
    private final ModelId model = ModelId.of("gpt-4o");
    private final Duration gap = Duration.ofMillis(50);

    @Benchmark
    public void chunkGap() {
        metrics.chunk(model, gap);
    }
}
