package dev.vctt.archfixture.application.service;

/** Fixture violation: implements a use case without being named a Service. */
public class Starter implements dev.vctt.archfixture.application.port.in.GoodUseCase {
    @Override
    public void run() {
    }
}
