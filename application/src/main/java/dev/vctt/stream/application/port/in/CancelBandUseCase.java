package dev.vctt.stream.application.port.in;

/** Stops a band: every member, and the synthesis and verification if they run. */
public interface CancelBandUseCase {

    BandCancelOutcome cancel(CancelBandCommand command);
}
