package dev.vctt.stream.application.port.in;

/** At start-up, closes the sessions a crash left running: marked interrupted, billed for what they used. */
public interface RecoverSessionsUseCase {

    /** The number of sessions recovered. */
    int recover();
}
