package dev.vctt.archfixture.domain;

/** Fixture violation: the domain touches java.net. */
public class NetworkedThing {
    public java.net.URI where() {
        return java.net.URI.create("http://example.com");
    }
}
