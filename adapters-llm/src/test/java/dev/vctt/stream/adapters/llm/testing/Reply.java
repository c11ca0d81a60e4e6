package dev.vctt.stream.adapters.llm.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the {@link SseReplayServer} answers to one request: a status, headers and body bytes, and
 * how to deliver them, faults included.
 */
public final class Reply {

    /** How the body is framed and how it ends. */
    public enum Ending {
        /** {@code Transfer-Encoding: chunked}, properly terminated. */
        CHUNKED,
        /** No length: the body ends when the server closes the connection. */
        CLOSE_DELIMITED,
        /** Chunked, but the connection is closed after {@code faultAt} body bytes (no terminating chunk). */
        CUT,
        /** Body up to {@code faultAt} bytes, then reset (RST) the connection. */
        DROP,
        /** Body up to {@code faultAt} bytes, then send nothing until the client closes. */
        STALL,
        /** Read the request and never answer, until the client closes. */
        STALL_BEFORE_HEADERS
    }

    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    final byte[] body;
    Ending ending = Ending.CHUNKED;
    int faultAt = -1;
    int writeSize;
    Duration pause = Duration.ZERO;
    Duration beforeFault = Duration.ZERO;

    private Reply(int status, String contentType, byte[] body) {
        this.status = status;
        this.body = body;
        headers.put("Content-Type", contentType);
    }

    /** 200 with an SSE body, written one event (up to a blank line) per write. */
    public static Reply sse(byte[] body) {
        return new Reply(200, "text/event-stream; charset=utf-8", body);
    }

    public static Reply sse(String body) {
        return sse(body.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply status(int status, String jsonBody) {
        return new Reply(status, "application/json", jsonBody.getBytes(StandardCharsets.UTF_8));
    }

    public static Reply stallBeforeHeaders() {
        Reply reply = new Reply(200, "text/event-stream", new byte[0]);
        reply.ending = Ending.STALL_BEFORE_HEADERS;
        return reply;
    }

    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Write the body in pieces of this many bytes instead of one event per write. */
    public Reply inWritesOf(int bytes) {
        this.writeSize = bytes;
        return this;
    }

    /** Wait this long before each write of the body. */
    public Reply pacedBy(Duration pause) {
        this.pause = pause;
        return this;
    }

    /** Wait this long after the last body byte before the fault (so a reset cannot destroy unread bytes). */
    public Reply pauseBeforeFault(Duration pause) {
        this.beforeFault = pause;
        return this;
    }

    public Reply closeDelimited() {
        this.ending = Ending.CLOSE_DELIMITED;
        return this;
    }

    public Reply cutAfter(int bodyBytes) {
        return fault(Ending.CUT, bodyBytes);
    }

    public Reply closeDelimitedCutAfter(int bodyBytes) {
        return fault(Ending.CLOSE_DELIMITED, bodyBytes);
    }

    public Reply dropAfter(int bodyBytes) {
        return fault(Ending.DROP, bodyBytes);
    }

    public Reply stallAfter(int bodyBytes) {
        return fault(Ending.STALL, bodyBytes);
    }

    private Reply fault(Ending how, int bodyBytes) {
        this.ending = how;
        this.faultAt = Math.min(bodyBytes, body.length);
        return this;
    }

    int bodyBytesToSend() {
        return faultAt >= 0 ? faultAt : body.length;
    }
}
