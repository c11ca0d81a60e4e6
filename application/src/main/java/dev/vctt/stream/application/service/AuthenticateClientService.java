package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.in.Caller;
import java.util.Optional;

/** With authentication off, every client is let in as {@link Caller#ANONYMOUS}. */
public final class AuthenticateClientService implements AuthenticateClientUseCase {

    private AuthenticateClientService() {
    }

    /** Lets everyone in: local use ({@code VCTT_AUTH=off}). */
    public static AuthenticateClientService open() {
        return new AuthenticateClientService();
    }

    @Override
    public AuthOutcome authenticate(Optional<String> presentedKey) {
        return new AuthOutcome.Authenticated(Caller.ANONYMOUS);
    }
}
