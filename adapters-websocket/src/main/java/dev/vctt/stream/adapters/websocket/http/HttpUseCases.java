package dev.vctt.stream.adapters.websocket.http;

import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.in.CheckHealthUseCase;
import dev.vctt.stream.application.port.in.QueryBandsUseCase;
import dev.vctt.stream.application.port.in.QuerySessionsUseCase;
import dev.vctt.stream.application.port.in.QueryStatsUseCase;
import java.util.Objects;
import java.util.Optional;

/** The use cases the plain HTTP endpoints drive; {@code bands} absent means no {@code /api/bands}. */
public record HttpUseCases(CheckHealthUseCase health, AuthenticateClientUseCase authenticate,
                           QuerySessionsUseCase sessions, QueryStatsUseCase stats, Optional<QueryBandsUseCase> bands) {

    public HttpUseCases {
        Objects.requireNonNull(health, "health");
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(bands, "bands");
    }

    /** Use cases without bands. */
    public HttpUseCases(CheckHealthUseCase health, AuthenticateClientUseCase authenticate, QuerySessionsUseCase sessions,
                        QueryStatsUseCase stats) {
        this(health, authenticate, sessions, stats, Optional.empty());
    }

    public HttpUseCases withBands(QueryBandsUseCase queryBands) {
        return new HttpUseCases(health, authenticate, sessions, stats, Optional.of(queryBands));
    }
}
