package dev.vctt.stream.domain.band;

/** How large a band may be and how long its members may be given. */
public record BandLimits(int maxMembers, long maxMemberTimeoutMs) {

    public static final BandLimits DEFAULTS = new BandLimits(5, 600_000);

    public BandLimits {
        if (maxMembers < 1) {
            throw new IllegalArgumentException("maxMembers must be at least 1");
        }
        if (maxMemberTimeoutMs < 1) {
            throw new IllegalArgumentException("maxMemberTimeoutMs must be at least 1");
        }
    }
}
