package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.AuthOutcome;
import dev.vctt.stream.application.port.in.AuthenticateClientUseCase;
import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.Caller;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * With authentication off, every client is {@link Caller#ANONYMOUS}. With keys, a client must
 * present a live key; it then acts as that key, with the key's daily budget.
 */
public final class AuthenticateClientService implements AuthenticateClientUseCase {

    private static final Logger log = LoggerFactory.getLogger(AuthenticateClientService.class);

    private final Optional<ApiKeyStore> keys;

    private AuthenticateClientService(Optional<ApiKeyStore> keys) {
        this.keys = keys;
    }

    /** Lets everyone in: local use ({@code VCTT_AUTH=off}). */
    public static AuthenticateClientService open() {
        return new AuthenticateClientService(Optional.empty());
    }

    /** Requires a live API key ({@code VCTT_AUTH=keys}). */
    public static AuthenticateClientService withKeys(ApiKeyStore keys) {
        return new AuthenticateClientService(Optional.of(keys));
    }

    @Override
    public AuthOutcome authenticate(Optional<String> presentedKey) {
        if (keys.isEmpty()) {
            return new AuthOutcome.Authenticated(Caller.ANONYMOUS);
        }
        if (presentedKey.isEmpty()) {
            return new AuthOutcome.Refused("an API key is required");
        }
        Optional<ApiKeyView> key;
        try {
            key = keys.get().check(presentedKey.get());
        } catch (StoreUnavailable e) {
            log.error("cannot check an API key: {}", e.getMessage());
            return new AuthOutcome.Refused("API keys cannot be checked right now");
        }
        return key.<AuthOutcome>map(found -> new AuthOutcome.Authenticated(new Caller(Optional.of(found.id()),
                        found.dailyBudget())))
                .orElseGet(() -> new AuthOutcome.Refused("unknown or revoked API key"));
    }
}
