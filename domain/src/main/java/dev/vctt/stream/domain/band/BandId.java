package dev.vctt.stream.domain.band;

/** The id of one band: a group of streams answering one question together. */
public record BandId(String value) {

    public BandId {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a band id must not be blank");
        }
    }

    public static BandId of(String value) {
        return new BandId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
