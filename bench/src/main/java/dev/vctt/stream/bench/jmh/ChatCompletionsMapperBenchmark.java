package dev.vctt.stream.bench.jmh;

import dev.vctt.stream.adapters.llm.openai.BenchmarkAccess;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsDialect;
import dev.vctt.stream.adapters.llm.sse.Emitter;
import dev.vctt.stream.adapters.llm.sse.SseEvent;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.Step;
import dev.vctt.stream.adapters.llm.sse.UpstreamHttp;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;
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

/** The Chat Completions mapper, built as the OpenAI provider builds it, on one token chunk and on the usage chunk. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChatCompletionsMapperBenchmark {

    private SseEventMapper mapper;
    private Emitter emitter;
    private SseEvent token;
    private SseEvent usage;

    @Setup
    public void setUp(Blackhole blackhole) {
        mapper = BenchmarkAccess.chatCompletionsMapper(UpstreamHttp.json().getFactory(), ChatCompletionsDialect.OPENAI);
        token = new SseEvent(SseEvent.DEFAULT_TYPE, ChunkSamples.TOKEN_JSON, "");
        usage = new SseEvent(SseEvent.DEFAULT_TYPE, ChunkSamples.USAGE_JSON, "");
        emitter = new Emitter() {
            @Override
            public void text(String text) {
                blackhole.consume(text);
            }

            @Override
            public void usage(ReportedUsage reported) {
                blackhole.consume(reported);
            }

            @Override
            public void toolCall(ToolCall call) {
                blackhole.consume(call);
            }

            @Override
            public void progress() {
                blackhole.consume(true);
            }
        };
    }

    @Benchmark
    public Step tokenChunk() {
        return mapper.onEvent(token, emitter);
    }

    @Benchmark
    public Step usageChunk() {
        return mapper.onEvent(usage, emitter);
    }
}
