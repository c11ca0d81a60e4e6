package dev.vctt.stream.application.port.in;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Optional;

/** Finds a stored session; a caller with an API key sees only its own. */
public interface QuerySessionsUseCase {

    Optional<SessionView> find(Caller caller, SessionId id);
}
