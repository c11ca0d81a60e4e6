package dev.vctt.archfixture.application.service;

/** Fixture: a use case implemented as it should be. */
public class GoodService implements dev.vctt.archfixture.application.port.in.GoodUseCase {
    @Override
    public void run() {
    }
}
