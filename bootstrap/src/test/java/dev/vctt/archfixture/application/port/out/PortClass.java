package dev.vctt.archfixture.application.port.out;

/** Fixture violation: a plain class in a port package. */
public class PortClass {
}
