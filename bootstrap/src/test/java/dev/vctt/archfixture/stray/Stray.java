package dev.vctt.archfixture.stray;

/** Fixture violation: a class outside every layer. */
public class Stray {
}
