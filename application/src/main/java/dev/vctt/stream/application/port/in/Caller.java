package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ApiKeyId;
import java.util.Objects;
import java.util.Optional;

/** Who a connection acts for: an API key, or nobody in particular when authentication is off. */
public record Caller(Optional<ApiKeyId> apiKey) {

    public static final Caller ANONYMOUS = new Caller(Optional.empty());

    public Caller {
        Objects.requireNonNull(apiKey, "apiKey");
    }

    public static Caller of(ApiKeyId key) {
        return new Caller(Optional.of(key));
    }
}
