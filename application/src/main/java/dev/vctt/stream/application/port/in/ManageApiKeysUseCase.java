package dev.vctt.stream.application.port.in;

import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Issues, revokes and lists API keys (the administration command line uses it). */
public interface ManageApiKeysUseCase {

    IssuedKey issue(String name, Optional<Usd> dailyBudget);

    /** A key that may also call these tools (where the servers' allow-lists name them too). */
    default IssuedKey issue(String name, Optional<Usd> dailyBudget, Set<String> tools) {
        return issue(name, dailyBudget);
    }

    boolean revoke(ApiKeyId id);

    List<ApiKeyView> list();
}
