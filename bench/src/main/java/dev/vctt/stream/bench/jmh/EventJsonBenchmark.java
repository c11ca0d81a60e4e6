package dev.vctt.stream.bench.jmh;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.EventJson;
import dev.vctt.stream.adapters.websocket.connection.FrameCodec;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
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

/**
 * One {@code stream_chunk} event framed as the server sends it: its data object ({@link EventJson})
 * inside the native frame and inside the Socket.IO frame, with the JSON factory the server uses.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EventJsonBenchmark {

    private FrameCodec nativeFrames;
    private FrameCodec socketIoFrames;
    private StreamChunk chunk;

    @Setup
    public void setUp() {
        // as WebServer builds it: buffers from a shared lock-free pool
        var json = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedLockFreePool()).build());
        nativeFrames = dev.vctt.stream.adapters.websocket.nativeprotocol.BenchmarkAccess.nativeFrames(json);
        socketIoFrames = dev.vctt.stream.adapters.websocket.socketio.BenchmarkAccess.socketIoFrames(json, 1 << 20);
        chunk = new StreamChunk(SessionId.of("3f9a2c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"), 41, " token", ModelId.of("gpt-4o"),
                TokenCount.of(42), Usd.of("0.000497500"), Instant.parse("2026-12-01T03:30:00.123456Z"));
    }

    @Benchmark
    public String nativeChunkFrame() {
        return nativeFrames.frame("stream_chunk", out -> EventJson.chunk(out, chunk));
    }

    @Benchmark
    public String socketIoChunkFrame() {
        return socketIoFrames.frame("stream_chunk", out -> EventJson.chunk(out, chunk));
    }
}
