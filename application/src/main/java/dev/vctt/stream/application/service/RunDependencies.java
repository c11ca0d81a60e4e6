package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.application.port.out.SessionStore;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import java.time.InstantSource;
import java.util.Map;

/** What every running stream needs from the server: providers, prices, stores, the fallback rule, time. */
record RunDependencies(Map<ProviderId, LlmProvider> providers, PriceTable prices, Tokenizer tokenizer,
                       FallbackRule fallback, Scheduler scheduler, SessionStore sessions, SpendLedger ledger,
                       InstantSource clock, ActiveStreams active) {

    RunDependencies {
        providers = Map.copyOf(providers);
    }
}
