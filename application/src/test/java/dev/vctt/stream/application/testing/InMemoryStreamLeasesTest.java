package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StreamLeases;
import dev.vctt.stream.application.port.out.StreamLeasesContract;

class InMemoryStreamLeasesTest extends StreamLeasesContract {

    private final InMemorySessionStore sessions = new InMemorySessionStore();

    @Override
    protected SessionJournal deadNodeJournal() {
        return sessions;
    }

    @Override
    protected StreamLeases liveNode() {
        return new InMemoryStreamLeases(sessions);
    }

    @Override
    protected SessionQueries queries() {
        return sessions;
    }

    @Override
    protected void deadNodeWritesLanded() {
        // synchronous
    }
}
