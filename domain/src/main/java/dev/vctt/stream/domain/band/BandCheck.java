package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.Violation;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The outcome of checking a band draft: a valid band request, or every rule it breaks. */
public sealed interface BandCheck {

    record Valid(BandRequest request) implements BandCheck {
        public Valid {
            Objects.requireNonNull(request, "request");
        }
    }

    record Invalid(List<Violation> violations) implements BandCheck {
        public Invalid {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid band request has at least one violation");
            }
        }

        public String describe() {
            return violations.stream().map(Violation::describe).collect(Collectors.joining("; "));
        }
    }
}
