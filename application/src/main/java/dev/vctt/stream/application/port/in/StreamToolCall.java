package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.Objects;

/**
 * The model called a tool and the server runs it. {@code index} is the position in the chunk
 * sequence: the index the next chunk will take (every chunk before it has a lower index), so chunk
 * indexes stay gapless and a tool event sits between chunk {@code index - 1} and chunk {@code index}.
 */
public record StreamToolCall(SessionId sessionId, String toolCallId, String server, String name, String argumentsJson,
                             int index, Instant at) {

    public StreamToolCall {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(toolCallId, "toolCallId");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(argumentsJson, "argumentsJson");
        Objects.requireNonNull(at, "at");
        if (index < 0) {
            throw new IllegalArgumentException("index must not be negative");
        }
    }
}
