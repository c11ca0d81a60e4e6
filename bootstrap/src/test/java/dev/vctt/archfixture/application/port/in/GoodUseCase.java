package dev.vctt.archfixture.application.port.in;

/** Fixture: a use case as it should be. */
public interface GoodUseCase {
    void run();
}
