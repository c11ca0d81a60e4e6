package dev.vctt.stream.adapters.websocket.connection;

import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.in.CancelBandUseCase;
import dev.vctt.stream.application.port.in.CancelStreamUseCase;
import dev.vctt.stream.application.port.in.ConnectClientUseCase;
import dev.vctt.stream.application.port.in.CountActiveStreamsUseCase;
import dev.vctt.stream.application.port.in.ResumeStreamUseCase;
import dev.vctt.stream.application.port.in.StartBandUseCase;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import java.util.Objects;
import java.util.Optional;

/** The use cases the WebSocket endpoints drive; {@code bands} absent means band events are unknown here. */
public record StreamingUseCases(AuthenticateClientUseCase authenticate, StartStreamUseCase start,
                                CancelStreamUseCase cancel, ResumeStreamUseCase resume, CountActiveStreamsUseCase count,
                                ConnectClientUseCase clients, Optional<Bands> bands) {

    /** Starting and cancelling bands. */
    public record Bands(StartBandUseCase start, CancelBandUseCase cancel) {
        public Bands {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(cancel, "cancel");
        }
    }

    public StreamingUseCases {
        Objects.requireNonNull(authenticate, "authenticate");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(cancel, "cancel");
        Objects.requireNonNull(resume, "resume");
        Objects.requireNonNull(count, "count");
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(bands, "bands");
    }

    /** Use cases without bands. */
    public StreamingUseCases(AuthenticateClientUseCase authenticate, StartStreamUseCase start,
                             CancelStreamUseCase cancel, ResumeStreamUseCase resume, CountActiveStreamsUseCase count,
                             ConnectClientUseCase clients) {
        this(authenticate, start, cancel, resume, count, clients, Optional.empty());
    }

    public StreamingUseCases withBands(StartBandUseCase startBand, CancelBandUseCase cancelBand) {
        return new StreamingUseCases(authenticate, start, cancel, resume, count, clients,
                Optional.of(new Bands(startBand, cancelBand)));
    }
}
