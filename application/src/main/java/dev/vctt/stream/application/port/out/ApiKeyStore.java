package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * For issuing and checking API keys. Only a hash of each secret is kept: the secret is shown once,
 * when issued, and cannot be read back. All methods are synchronous and may throw
 * {@link StoreUnavailable}.
 */
public interface ApiKeyStore {

    /** Issues a key that may call the named tools (deny by default: none when empty). */
    IssuedKey issue(String name, Optional<Usd> dailyBudget, Set<String> tools, Instant at);

    default IssuedKey issue(String name, Optional<Usd> dailyBudget, Instant at) {
        return issue(name, dailyBudget, Set.of(), at);
    }

    /** The live (not revoked) key whose secret this is. */
    Optional<ApiKeyView> check(String secret);

    /** Of these keys, the ones still live (issued and not revoked): one read, however many are asked. */
    Set<ApiKeyId> live(Set<ApiKeyId> ids);

    /** True if the key existed and was live. */
    boolean revoke(ApiKeyId id, Instant at);

    List<ApiKeyView> list();
}
