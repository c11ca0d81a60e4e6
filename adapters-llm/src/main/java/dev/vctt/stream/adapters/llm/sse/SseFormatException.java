package dev.vctt.stream.adapters.llm.sse;

/** The byte stream broke a limit of the SSE parser (a line or an event too long). */
public final class SseFormatException extends RuntimeException {

    public SseFormatException(String message) {
        super(message);
    }
}
