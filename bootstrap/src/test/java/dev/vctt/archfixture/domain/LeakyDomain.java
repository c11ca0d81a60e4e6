package dev.vctt.archfixture.domain;

/** Fixture violation: the domain reaches up into the application layer. */
public class LeakyDomain {
    public Object service() {
        return new dev.vctt.archfixture.application.service.GoodService();
    }
}
