package dev.vctt.archfixture.bootstrap;

/** Fixture: wiring sees everything. */
public class Wiring {
    public Object[] all() {
        return new Object[] {new dev.vctt.archfixture.adapters.websocket.Endpoint(),
                new dev.vctt.archfixture.adapters.persistence.Store(), new dev.vctt.archfixture.adapters.llm.openai.Client()};
    }
}
