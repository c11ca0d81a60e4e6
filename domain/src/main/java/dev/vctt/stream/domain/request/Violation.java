package dev.vctt.stream.domain.request;

/** One broken rule of a request: the field, as the client named it, and what is wrong with it. */
public record Violation(String field, String problem) {

    public Violation {
        if (field == null || field.isBlank()) {
            throw new IllegalArgumentException("a violation names its field");
        }
        if (problem == null || problem.isBlank()) {
            throw new IllegalArgumentException("a violation says what is wrong");
        }
    }

    public String describe() {
        return field + ": " + problem;
    }
}
