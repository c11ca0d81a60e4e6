package dev.vctt.stream.adapters.websocket.http;

import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.in.CheckHealthUseCase;
import dev.vctt.stream.application.port.in.QuerySessionsUseCase;
import dev.vctt.stream.application.port.in.QueryStatsUseCase;
import java.util.Objects;

/** The use cases the plain HTTP endpoints drive. */
public record HttpUseCases(CheckHealthUseCase health, AuthenticateClientUseCase authenticate,
                           QuerySessionsUseCase sessions, QueryStatsUseCase stats) {

    public HttpUseCases {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(stats, "stats");
    }
}
