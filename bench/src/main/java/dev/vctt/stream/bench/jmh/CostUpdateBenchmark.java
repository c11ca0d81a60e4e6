package dev.vctt.stream.bench.jmh;

import dev.vctt.stream.adapters.llm.tokens.JtokkitTokenizer;
import dev.vctt.stream.domain.cost.CostPolicy;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.session.Streaming;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
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
 * What a stream does per chunk for its figures: count the delta's tokens, append it to the session
 * (a new {@link Streaming} record), and work out tokens used and the cost so far (BigDecimal).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CostUpdateBenchmark {

    private static final ModelId MODEL = ModelId.of("gpt-4o");

    private Streaming streaming;
    private Price price;
    private JtokkitTokenizer tokenizer;
    private Instant now;

    @Setup
    public void setUp() {
        price = Price.perMillion("2.50", "10.00");
        Instant started = Instant.parse("2026-12-01T03:30:00Z");
        var attempt = Attempt.start(ModelRoute.of(MODEL.value(), ProviderId.OPENAI), price, TokenCount.of(31));
        // a stream 40 chunks in
        Streaming base = new Streaming(SessionId.of("3f9a2c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"), AgentRole.ANALYST, started,
                started, 0, attempt, List.of());
        for (int i = 0; i < 40; i++) {
            base = base.append(" token", OptionalLong.of(1), started);
        }
        streaming = base;
        tokenizer = new JtokkitTokenizer();
        tokenizer.count(MODEL, " token");
        now = started.plusSeconds(2);
    }

    /** The whole per-chunk update as the stream run does it: count, append, tokens used, cost so far. */
    @Benchmark
    public void chunkUpdate(Blackhole blackhole) {
        Streaming next = streaming.append(" token", tokenizer.count(MODEL, " token"), now);
        blackhole.consume(next.tokensUsed());
        blackhole.consume(next.estimatedCost());
    }

    @Benchmark
    public Usd costEstimate() {
        return CostPolicy.estimate(price, TokenCount.of(31), TokenCount.of(41));
    }

    @Benchmark
    public OptionalLong tokenCount() {
        return tokenizer.count(MODEL, " token");
    }
}
