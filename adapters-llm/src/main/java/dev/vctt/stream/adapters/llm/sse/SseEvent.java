package dev.vctt.stream.adapters.llm.sse;

/**
 * One dispatched Server-Sent Event: its type ({@code message} unless an {@code event:} field named
 * another), its data (the {@code data:} lines joined with LF), and the last event id seen so far.
 */
public record SseEvent(String type, String data, String lastEventId) {

    public static final String DEFAULT_TYPE = "message";
}
