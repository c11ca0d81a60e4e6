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
    private static final byte[] DATA = ascii("data");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] ID = ascii("id");
    private static final byte[] RETRY = ascii("retry");

    private final Handler handler;
    private final int maxLineBytes;
    private final int maxEventChars;

    private byte[] line = new byte[512];
    private int lineLength;
    private boolean afterCr;
    private int bomBytesSeen;
    private boolean pastStart;

    /** The event's data while it has one line; then null, and the lines are in {@code joinedData}. */
    private String firstData;
    private final StringBuilder joinedData = new StringBuilder();
    private int dataChars;
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
        clearData();
        eventType = "";
    }

    private void clearData() {
        firstData = null;
        joinedData.setLength(0);
        dataChars = 0;
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
        int length = lineLength;
        lineLength = 0;
        if (length == 0) {
            dispatch();
            return;
        }
        if (line[0] == ':') {
            handler.onComment(new String(line, 1, length - 1, StandardCharsets.UTF_8));
            return;
        }
        // the field is matched on its bytes and only a known field's value is decoded: once per token,
        // decoding the line, then cutting field and value from it, copied the chunk three times
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            colon++;
        }
        int valueStart = colon == length ? length : colon + 1;
        if (valueStart < length && line[valueStart] == ' ') {
            valueStart++;
        }
        if (isField(DATA, colon)) {
            data(value(valueStart, length));
        } else if (isField(EVENT, colon)) {
            eventType = value(valueStart, length);
        } else if (isField(ID, colon)) {
            String value = value(valueStart, length);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        } else if (isField(RETRY, colon)) {
            String value = value(valueStart, length);
            if (!value.isEmpty() && value.length() < 19 && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                retryMillis = Long.parseLong(value);
            }
        }
        // unknown fields are ignored
    }

    private boolean isField(byte[] name, int length) {
        return length == name.length && Arrays.equals(line, 0, length, name, 0, length);
    }

    private String value(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.UTF_8);
    }

    /** Most events have one data line: it is kept as it is, and only a second one starts the joined text. */
    private void data(String value) {
        if (dataChars + value.length() + 1 > maxEventChars) {
            throw new SseFormatException("an event is longer than " + maxEventChars + " characters");
        }
        boolean first = dataChars == 0;
        dataChars += value.length() + 1;
        if (first) {
            firstData = value;
            return;
        }
        if (firstData != null) {
            joinedData.append(firstData);
            firstData = null;
        }
        joinedData.append('\n').append(value);
    }

    private void dispatch() {
        if (dataChars == 0) {
            eventType = "";
            return;
        }
        String type = eventType.isEmpty() ? SseEvent.DEFAULT_TYPE : eventType;
        String payload = firstData != null ? firstData : joinedData.toString();
        clearData();
        eventType = "";
        handler.onEvent(new SseEvent(type, payload, lastEventId));
    }

    private static byte[] ascii(String name) {
        return name.getBytes(StandardCharsets.US_ASCII);
    }
}
