package dev.vctt.archfixture.adapters.websocket;

/** Fixture violation: one adapter uses another. */
public class Endpoint {
    public Object provider() {
        return new dev.vctt.archfixture.adapters.llm.openai.Client();
    }

    public Object service() {
        return new dev.vctt.archfixture.application.service.GoodService();
    }
}
