package dev.vctt.stream.adapters.llm.sse;

/** Bounds on what one upstream stream may send: a line, an event, and an error body. */
public record SseLimits(int maxLineBytes, int maxEventChars, int maxErrorBodyBytes) {

    public static final SseLimits DEFAULTS = new SseLimits(1 << 20, 4 << 20, 64 << 10);

    public SseLimits {
        if (maxLineBytes < 16 || maxEventChars < 16 || maxErrorBodyBytes < 16) {
            throw new IllegalArgumentException("SSE limits too small");
        }
    }
}
