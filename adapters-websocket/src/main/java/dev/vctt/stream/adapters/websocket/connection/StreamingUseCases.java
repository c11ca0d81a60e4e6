package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.in.CancelStreamUseCase;
import dev.vctt.stream.application.port.in.ConnectClientUseCase;
import dev.vctt.stream.application.port.in.CountActiveStreamsUseCase;
import dev.vctt.stream.application.port.in.ResumeStreamUseCase;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import java.util.Objects;

/** The use cases the WebSocket endpoints drive. */
public record StreamingUseCases(AuthenticateClientUseCase authenticate, StartStreamUseCase start,
                                CancelStreamUseCase cancel, ResumeStreamUseCase resume, CountActiveStreamsUseCase count,
                                ConnectClientUseCase clients) {

    public StreamingUseCases {
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(clients, "clients");
    }
}
