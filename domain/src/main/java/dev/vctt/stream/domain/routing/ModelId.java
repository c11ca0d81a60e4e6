package dev.vctt.stream.domain.routing;

/** A model name as the provider knows it, e.g. {@code gpt-4o}. */
public record ModelId(String value) {

    public ModelId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a model id must not be blank");
        }
        value = value.strip();
    }

    public static ModelId of(String value) {
        return new ModelId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
