package dev.vctt.archfixture.application.port.in;

/** Fixture violation: a use case that is a class. */
public class ConcreteUseCase {
}
