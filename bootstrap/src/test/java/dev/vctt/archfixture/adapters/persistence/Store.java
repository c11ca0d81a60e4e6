package dev.vctt.archfixture.adapters.persistence;

/** Fixture: a persistence adapter. */
public class Store {
    public Object service() {
        return new dev.vctt.archfixture.application.service.GoodService();
    }
}
