package dev.vctt.stream.adapters.llm.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental Server-Sent Events parser that follows the WHATWG rules (HTML §9.2.6): lines end at
 * CRLF, LF or CR (also when CR and LF arrive in different reads); one leading UTF-8 BOM is dropped;
 * {@code :} starts a comment; one space after the colon is stripped; {@code data} lines join with LF;
 * a blank line dispatches; {@code event}, {@code id} and {@code retry} are honoured; an event left
 * unterminated at the end of the stream is discarded.
 *
 * <p>Hand-written because the JDK has no SSE parser and the libraries that do parse SSE bring their
 * own HTTP client (OkHttp, Jersey); this one works on the bytes {@link java.net.http.HttpClient}
 * delivers, with explicit line and event size limits so a broken upstream cannot exhaust memory.
 * Lines are split on bytes (CR and LF never occur inside a UTF-8 sequence) and decoded whole, so a
 * character split across two reads decodes correctly.
 *
 * <p>Not thread-safe: one parser per stream, fed from one thread.
 */
public final class SseParser {

    /** Receives what the parser finds. */
    public interface Handler {

        void onEvent(SseEvent event);

        /** A comment line, such as a keep-alive {@code : PROCESSING}. */
        default void onComment(String comment) {
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final Handler handler;
    private final int maxLineBytes;
    private final int maxEventChars;

    private byte[] line = new byte[512];
    private int lineLength;
    private boolean afterCr;
    private int bomBytesSeen;
    private boolean pastStart;

    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private long retryMillis = -1;

    public SseParser(Handler handler, int maxLineBytes, int maxEventChars) {
        if (maxLineBytes < 16 || maxEventChars < 16) {
            throw new IllegalArgumentException("limits too small: " + maxLineBytes + "/" + maxEventChars);
        }
        this.handler = handler;
        this.maxLineBytes = maxLineBytes;
        this.maxEventChars = maxEventChars;
    }

    /** The reconnection time the stream asked for, or -1; kept for completeness, providers do not send it. */
    public long retryMillis() {
        return retryMillis;
    }

    public void feed(byte[] bytes, int offset, int length) {
        int at = offset;
        int end = offset + length;
        if (!pastStart) {
            at = skipBom(bytes, at, end);
            if (at < 0) {
                return;
            }
        }
        while (at < end) {
            if (afterCr) {
                afterCr = false;
                if (bytes[at] == LF) {
                    at++;
                    continue;
                }
            }
            int stop = at;
            while (stop < end && bytes[stop] != LF && bytes[stop] != CR) {
                stop++;
            }
            append(bytes, at, stop - at);
            if (stop == end) {
                return;
            }
            afterCr = bytes[stop] == CR;
            endLine();
            at = stop + 1;
        }
    }

    /** The end of the stream: whatever was not dispatched by a blank line is discarded, as the spec says. */
    public void finish() {
        lineLength = 0;
        data.setLength(0);
        eventType = "";
    }

    /** Consumes BOM bytes at the very start; returns where the content starts, or -1 if all bytes were BOM so far. */
    private int skipBom(byte[] bytes, int at, int end) {
        while (at < end && bomBytesSeen < BOM.length) {
            if (bytes[at] != BOM[bomBytesSeen]) {
                // not a BOM after all: the bytes held back so far are content
                byte[] held = Arrays.copyOf(BOM, bomBytesSeen);
                pastStart = true;
                if (held.length > 0) {
                    feed(held, 0, held.length);
                }
                return at;
            }
            bomBytesSeen++;
            at++;
        }
        if (bomBytesSeen == BOM.length) {
            pastStart = true;
            return at;
        }
        return -1;
    }

    private void append(byte[] bytes, int from, int count) {
        if (count == 0) {
            return;
        }
        if (lineLength + count > maxLineBytes) {
            throw new SseFormatException("a line is longer than " + maxLineBytes + " bytes");
        }
        if (lineLength + count > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLineBytes, Math.max(line.length * 2, lineLength + count)));
        }
        System.arraycopy(bytes, from, line, lineLength, count);
        lineLength += count;
    }

    private void endLine() {
        if (lineLength == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            String comment = new String(line, 1, lineLength - 1, StandardCharsets.UTF_8);
            lineLength = 0;
            handler.onComment(comment);
            return;
        }
        String text = new String(line, 0, lineLength, StandardCharsets.UTF_8);
        lineLength = 0;
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = "";
        if (colon >= 0) {
            int valueStart = colon + 1;
            if (valueStart < text.length() && text.charAt(valueStart) == ' ') {
                valueStart++;
            }
            value = text.substring(valueStart);
        }
        switch (field) {
            case "data" -> {
                if (data.length() + value.length() + 1 > maxEventChars) {
                    throw new SseFormatException("an event is longer than " + maxEventChars + " characters");
                }
                data.append(value).append('\n');
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.length() < 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> {
                // unknown fields are ignored
            }
        }
    }

    private void dispatch() {
        if (data.isEmpty()) {
            eventType = "";
            return;
        }
        data.setLength(data.length() - 1);
        String type = eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType;
        String payload = data.toString();
        data.setLength(0);
        eventType = "";
        handler.onEvent(new SseEvent(type, payload, lastEventId));
    }
}
