package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/**
 * What a server event says about a stream, for a codec that keeps track of what it sent (Socket.IO's
 * connection state recovery works out from it which chunks of which stream a reconnecting client
 * holds).
 */
public sealed interface SentEvent {

    SentEvent OTHER = new Other();

    /** {@code stream_start}. */
    record Started(StreamStarted event) implements SentEvent {
        public Started {
            Objects.requireNonNull(event, "event");
        }
    }

    /** {@code stream_chunk}, live or replayed. */
    record Chunk(SessionId sessionId, int index) implements SentEvent {
        public Chunk {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** The stream's terminal event ({@code stream_complete} or its {@code stream_error}). */
    record Ended(SessionId sessionId) implements SentEvent {
        public Ended {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** Anything else: refusals, heartbeats, fallbacks, resyncs. */
    record Other() implements SentEvent {
    }
}
