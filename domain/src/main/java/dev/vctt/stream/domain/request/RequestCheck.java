package dev.vctt.stream.domain.request;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The outcome of checking a draft: a valid request, or every rule it breaks. */
public sealed interface RequestCheck {

    record Valid(StreamRequest request) implements RequestCheck {
        public Valid {
            Objects.requireNonNull(request, "request");
        }
    }

    record Invalid(List<Violation> violations) implements RequestCheck {
        public Invalid {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid request has at least one violation");
            }
        }

        /** One line naming every broken rule, e.g. {@code "temperature: must be between 0 and 2"}. */
        public String describe() {
            return violations.stream().map(Violation::describe).collect(Collectors.joining("; "));
        }
    }
}
