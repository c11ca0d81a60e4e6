package dev.vctt.stream.domain.access;

/** One client connection; streams belong to the connection that started them. */
public record ClientId(String value) {

    public ClientId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a client id must not be blank");
        }
    }

    public static ClientId of(String value) {
        return new ClientId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
