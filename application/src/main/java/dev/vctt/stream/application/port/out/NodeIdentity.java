package dev.vctt.stream.application.port.out;

import java.util.Objects;

/**
 * One run of one server among those sharing a database: the name it was given and the token of this
 * run, unique across every run of every server (a restart is a new token), which fences the writes
 * of the streams it owns.
 */
public record NodeIdentity(String nodeId, long token) {

    public NodeIdentity {
        Objects.requireNonNull(nodeId, "nodeId");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank");
        }
        if (token < 0) {
            throw new IllegalArgumentException("token must not be negative, got " + token);
        }
    }
}
