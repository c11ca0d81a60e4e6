package dev.vctt.stream.application.port.out;

/** A non-empty piece of answer text as the provider streamed it. */
public record TextDelta(String text) {

    public TextDelta {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("a text delta is never empty");
        }
    }
}
