package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.ManageApiKeysUseCase;
import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Issues, revokes and lists API keys. */
public final class ManageApiKeysService implements ManageApiKeysUseCase {

    private final ApiKeyStore keys;
    private final InstantSource clock;

    public ManageApiKeysService(ApiKeyStore keys, InstantSource clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public IssuedKey issue(String name, Optional<Usd> dailyBudget) {
        return issue(name, dailyBudget, Set.of());
    }

    @Override
    public IssuedKey issue(String name, Optional<Usd> dailyBudget, Set<String> tools) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a key needs a name");
        }
        dailyBudget.filter(Usd::isNegative).ifPresent(b -> {
            throw new IllegalArgumentException("a daily budget cannot be negative");
        });
        tools.stream().filter(tool -> tool.isBlank()).findAny().ifPresent(t -> {
            throw new IllegalArgumentException("a tool name cannot be blank");
        });
        return keys.issue(name.strip(), dailyBudget, tools, clock.instant());
    }

    @Override
    public boolean revoke(ApiKeyId id) {
        return keys.revoke(id, clock.instant());
    }

    @Override
    public List<ApiKeyView> list() {
        return keys.list();
    }
}
