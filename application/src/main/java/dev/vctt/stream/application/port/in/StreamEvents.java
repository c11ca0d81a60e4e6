package dev.vctt.stream.application.port.in;

/**
 * What a client is told about its streams. Implementations are called from provider threads,
 * possibly for several streams of one client at once, and must not block.
 */
public interface StreamEvents {

    void started(StreamStarted event);

    void chunk(StreamChunk event);

    /**
     * A chunk replayed from the log for a resume. It comes on the resuming thread, which may wait
     * here until the client has taken earlier ones, so a long replay is paced rather than queued
     * at once; by default the same as a live chunk.
     */
    default void replayed(StreamChunk event) {
        chunk(event);
    }

    void completed(StreamCompleted event);

    void failed(StreamFailed event);

    /** The stream moved to another model; added later, so a default that ignores it. */
    default void fellBack(StreamFellBack event) {
    }

    /** The model called a tool; added with tools, so a default that ignores it. */
    default void toolCalled(StreamToolCall event) {
    }

    /** A tool call ended; added with tools, so a default that ignores it. */
    default void toolAnswered(StreamToolResult event) {
    }

    /** A resume found less than the client holds; added with resume, so a default that ignores it. */
    default void resynced(StreamResync event) {
    }
}
