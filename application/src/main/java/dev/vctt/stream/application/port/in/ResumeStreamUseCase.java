package dev.vctt.stream.application.port.in;

/**
 * Resumes a stream on a connection: its chunks from the index asked for, in order, then the live
 * ones, then its terminal event, through {@code events} as if the first connection had never dropped.
 * May wait for the database (a stream that ended a while ago); call it off the I/O threads.
 */
public interface ResumeStreamUseCase {

    ResumeOutcome resume(ResumeStreamCommand command, StreamEvents events);
}
