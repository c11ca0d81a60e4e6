package dev.vctt.archfixture.adapters.llm.openai;

/** Fixture: a provider using the shared SSE package, as allowed. */
public class Client {
    public Object parser() {
        return new dev.vctt.archfixture.adapters.llm.sse.Parser();
    }

    public Object money() {
        return new dev.vctt.archfixture.domain.Money(java.math.BigDecimal.ONE);
    }
}
