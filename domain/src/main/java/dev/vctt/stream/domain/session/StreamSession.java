package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.AgentRole;
import java.time.Instant;

/**
 * One stream's lifecycle, a type per state: {@link Pending} until the first chunk, {@link Streaming}
 * while chunks flow, then one of the {@link Ended} states. A transition exists only on the states
 * that allow it.
 */
public sealed interface StreamSession permits Live, Ended {

    SessionId id();

    AgentRole role();

    Instant startedAt();
}
