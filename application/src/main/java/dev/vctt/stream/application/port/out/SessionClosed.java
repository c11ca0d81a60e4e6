package dev.vctt.stream.application.port.out;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.session.Ended;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session ended: everything about it, the answer text, the error the client was given, if any, and
 * how the stream went for its clients ({@link StreamQuality}) and the tool calls of its tool loop, in the order they ended.
 */
public record SessionClosed(Ended session, String answer, Optional<ErrorCode> errorCode, Optional<String> errorMessage,
                            StreamQuality quality, List<ToolCallRecord> toolCalls) {

    /** A session that called no tools. */
    public SessionClosed(Ended session, String answer, Optional<ErrorCode> errorCode, Optional<String> errorMessage,
                         StreamQuality quality) {
        this(session, answer, errorCode, errorMessage, quality, List.of());
    }

    /** A session whose stream figures are not known. */
    public SessionClosed(Ended session, String answer, Optional<ErrorCode> errorCode, Optional<String> errorMessage) {
        this(session, answer, errorCode, errorMessage, StreamQuality.unknown());
    }

    public SessionClosed {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(errorMessage, "errorMessage");
        Objects.requireNonNull(quality, "quality");
        toolCalls = List.copyOf(toolCalls);
    }
}
