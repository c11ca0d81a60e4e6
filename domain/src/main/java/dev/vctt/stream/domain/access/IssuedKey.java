package dev.vctt.stream.domain.access;

import java.util.Objects;

/** A new API key: its id, and its secret, shown this once. */
public record IssuedKey(ApiKeyId id, String secret) {

    public IssuedKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return "IssuedKey[id=" + id + ", secret=<hidden>]";
    }
}
