package dev.vctt.stream.application.port.in;

/** Says whether the server can do its work: streams running, and whether the database answers. */
public interface CheckHealthUseCase {

    HealthReport check();
}
