package dev.vctt.stream.application.port.in;

import java.util.Optional;

/** Decides, at connection time, who a client is from the API key it presents (if any). */
public interface AuthenticateClientUseCase {

    AuthOutcome authenticate(Optional<String> presentedKey);
}
