package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.FrameCodec;

/**
 * Lets the JMH benchmarks frame events with the package-private Socket.IO codec. Lives in the bench
 * module (same package name, another jar): the adapter gains no public surface for its benchmarks.
 */
public final class BenchmarkAccess {

    private BenchmarkAccess() {
    }

    public static FrameCodec socketIoFrames(ObjectMapper json, int maxFrameBytes) {
        return new SocketIoFrames(json, maxFrameBytes);
    }
}
