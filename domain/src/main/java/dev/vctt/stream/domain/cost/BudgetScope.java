package dev.vctt.stream.domain.cost;

/** Which budget a decision is about: the API key's own, or the server's global one. */
public enum BudgetScope {
    KEY,
    GLOBAL
}
