package dev.vctt.archfixture.domain;

/** Fixture violation: reads the clock itself. */
public class AmbientClock {
    public java.time.Instant now() {
        return java.time.Instant.now();
    }
}
