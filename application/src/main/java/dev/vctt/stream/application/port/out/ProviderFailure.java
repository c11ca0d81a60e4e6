package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.routing.FailureKind;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** Why a provider stream failed, translated from whatever the adapter saw. */
public record ProviderFailure(FailureKind kind, OptionalInt httpStatus, Optional<Duration> retryAfter, String detail) {

    public ProviderFailure {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(httpStatus, "httpStatus");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(detail, "detail");
    }

    public static ProviderFailure of(FailureKind kind, String detail) {
        return new ProviderFailure(kind, OptionalInt.empty(), Optional.empty(), detail);
    }

    public static ProviderFailure ofStatus(FailureKind kind, int status, Optional<Duration> retryAfter, String detail) {
        return new ProviderFailure(kind, OptionalInt.of(status), retryAfter, detail);
    }

    /** One line for logs and for the client: the kind, the status if any, and the detail. */
    public String describe() {
        String status = httpStatus.isPresent() ? "HTTP " + httpStatus.getAsInt() + " " : "";
        return status + kind.name().toLowerCase(Locale.ROOT) + (detail.isBlank() ? "" : ": " + detail);
    }
}
