package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import java.time.InstantSource;
import java.util.Map;

/** What every running stream needs from the server: providers, prices, the fallback rule, time. */
record RunDependencies(Map<ProviderId, LlmProvider> providers, PriceTable prices, FallbackRule fallback,
                       Scheduler scheduler, InstantSource clock, ActiveStreams active) {

    RunDependencies {
        providers = Map.copyOf(providers);
    }
}
