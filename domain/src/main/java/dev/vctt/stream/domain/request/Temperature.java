package dev.vctt.stream.domain.request;

/** Sampling temperature as the product accepts it: 0 to 2. Providers with a narrower range map it. */
public record Temperature(double value) {

    public static final double MIN = 0.0;
    public static final double MAX = 2.0;
    public static final Temperature DEFAULT = new Temperature(0.7);

    public Temperature {
        if (!(value >= MIN && value <= MAX)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2: " + value);
        }
    }

    public static boolean isAllowed(double value) {
        return value >= MIN && value <= MAX;
    }
}
