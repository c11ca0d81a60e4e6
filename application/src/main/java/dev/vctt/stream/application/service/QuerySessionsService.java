package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.in.QuerySessionsUseCase;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Optional;

/** Finds stored sessions; the store keeps a key's sessions from other keys. */
public final class QuerySessionsService implements QuerySessionsUseCase {

    private final SessionQueries sessions;

    public QuerySessionsService(SessionQueries sessions) {
        this.sessions = sessions;
    }

    @Override
    public Optional<SessionView> find(Caller caller, SessionId id) {
        return sessions.find(id, caller);
    }
}
