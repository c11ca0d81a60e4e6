package dev.vctt.stream.application.port.in;

/** Starts a band: several members answer one question at once, then a synthesis and a verdict. */
public interface StartBandUseCase {

    BandOutcome start(StartBandCommand command, BandEvents events);
}
