package dev.vctt.archfixture.adapters.llm.anthropic;

/** Fixture violation: one provider uses another. */
public class Client {
    public Object other() {
        return new dev.vctt.archfixture.adapters.llm.openai.Client();
    }
}
