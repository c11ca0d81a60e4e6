package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.routing.ProviderId;
import java.util.Map;

/** Whether each provider endpoint takes our key (false after a 401/403 until one of its streams completes). */
public interface ProviderHealth {

    /** No endpoint is known to be unhealthy. */
    ProviderHealth NONE = Map::of;

    Map<ProviderId, Boolean> healthyByEndpoint();
}
