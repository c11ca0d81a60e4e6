package dev.vctt.stream.domain.access;

/** The public id of an API key (never the secret): what budgets, sessions and spend belong to. */
public record ApiKeyId(String value) {

    public ApiKeyId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("an API key id must not be blank");
        }
    }

    public static ApiKeyId of(String value) {
        return new ApiKeyId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
