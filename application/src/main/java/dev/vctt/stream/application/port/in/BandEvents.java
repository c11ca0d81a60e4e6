package dev.vctt.stream.application.port.in;

/**
 * What a client is told about its band. Each member's own events go to the {@link StreamEvents}
 * that {@link #member} returns for it, so an adapter can tag them with the band and the role.
 * Called from provider threads; must not block.
 */
public interface BandEvents {

    void started(BandStarted event);

    /** Where one member's ordinary stream events go; asked once per member, before its stream starts. */
    StreamEvents member(BandStarted band, BandMember member);

    void completed(BandCompleted event);

    /** The band was refused before any member started. */
    void refused(StreamFailed event);
}
