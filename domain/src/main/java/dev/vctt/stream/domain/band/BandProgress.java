package dev.vctt.stream.domain.band;

/**
 * When a band moves on from its members to the synthesis: once every member has ended, or once
 * {@code quorum} of them have answered (the rest are then stopped), or when the member timeout
 * passes (a decision the caller takes with its own clock).
 */
public final class BandProgress {

    private BandProgress() {
    }

    /** Whether the synthesis may start now. */
    public static boolean readyForSynthesis(int members, int ended, int answered, int quorum) {
        if (members < 1 || ended < 0 || answered < 0 || answered > ended || ended > members || quorum < 1) {
            throw new IllegalArgumentException("impossible band progress: members=" + members + " ended=" + ended
                    + " answered=" + answered + " quorum=" + quorum);
        }
        return ended == members || answered >= quorum;
    }
}
