package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.function.Function;

/** How one protocol wraps a server event into a text frame. */
public interface FrameCodec {

    /** Writes the JSON object that is an event's data. */
    @FunctionalInterface
    interface DataWriter {
        void write(JsonGenerator out) throws IOException;
    }

    String frame(String event, DataWriter data);

    /**
     * Frames an event and offers it to the outbox. A codec that numbers what it sends (Socket.IO's
     * connection state recovery) overrides this to number and offer in one step, so the numbers
     * reach the client in order.
     */
    default void send(Outbox outbox, SentEvent what, String event, DataWriter data) {
        outbox.offer(frame(event, data));
    }

    /**
     * Frames a {@code stream_chunk} whose outbox may merge it with later chunks of its stream when the
     * client falls behind. {@code data} writes the chunk's data for a given text: its own, or earlier
     * waiting texts joined with its own.
     */
    default void sendChunk(Outbox outbox, SentEvent.Chunk what, String event, String text,
                           Function<String, DataWriter> data) {
        outbox.offer(new Outbox.Chunk(what.sessionId(), text, merged -> frame(event, data.apply(merged))));
    }
}
