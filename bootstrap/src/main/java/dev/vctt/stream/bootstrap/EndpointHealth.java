package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.ProviderHealth;
import dev.vctt.stream.domain.routing.ProviderId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether each endpoint takes our key. A 401/403 marks the endpoint unhealthy (gauge
 * {@code vctt_provider_endpoint_healthy{endpoint}} 0, counter {@code vctt_provider_auth_failures_total})
 * until one of its streams completes; the failure is logged at most once per {@code logEvery}
 * and endpoint, not once per request, since every request would hit it.
 */
final class EndpointHealth implements ProviderHealth {

    private static final Logger log = LoggerFactory.getLogger(EndpointHealth.class);

    private record State(boolean healthy, Instant lastLogged) {
    }

    private final Map<ProviderId, AtomicReference<State>> states = new ConcurrentHashMap<>();
    private final Map<ProviderId, Counter> authFailures = new ConcurrentHashMap<>();
    private final InstantSource clock;
    private final Duration logEvery;

    EndpointHealth(Collection<ProviderId> endpoints, MeterRegistry registry, InstantSource clock, Duration logEvery) {
        this.clock = clock;
        this.logEvery = logEvery;
        for (ProviderId endpoint : endpoints) {
            var state = new AtomicReference<>(new State(true, Instant.MIN));
            states.put(endpoint, state);
            Gauge.builder("vctt.provider.endpoint.healthy", state, s -> s.get().healthy() ? 1 : 0)
                    .description("1 while the endpoint takes our key, 0 after a 401/403 until a stream completes")
                    .tag("endpoint", endpoint.value()).register(registry);
            authFailures.put(endpoint, Counter.builder("vctt.provider.auth.failures")
                    .description("401/403 answers, per endpoint").tag("endpoint", endpoint.value()).register(registry));
        }
    }

    boolean healthy(ProviderId endpoint) {
        AtomicReference<State> state = states.get(endpoint);
        return state == null || state.get().healthy();
    }

    @Override
    public Map<ProviderId, Boolean> healthyByEndpoint() {
        var out = new java.util.LinkedHashMap<ProviderId, Boolean>();
        states.forEach((id, state) -> out.put(id, state.get().healthy()));
        return out;
    }

    /** Every endpoint by name and whether it is healthy. */
    Map<String, Boolean> snapshot() {
        var out = new java.util.TreeMap<String, Boolean>();
        states.forEach((id, state) -> out.put(id.value(), state.get().healthy()));
        return out;
    }

    void authFailed(ProviderId endpoint, ProviderFailure failure) {
        AtomicReference<State> state = states.get(endpoint);
        if (state == null) {
            return;
        }
        authFailures.get(endpoint).increment();
        Instant now = clock.instant();
        State before = state.getAndUpdate(s -> s.lastLogged().isBefore(now.minus(logEvery)) ? new State(false, now)
                : new State(false, s.lastLogged()));
        if (before.lastLogged().isBefore(now.minus(logEvery))) {
            log.error("endpoint {} refused our key ({}); its models are skipped until it answers again; "
                    + "logged at most every {}", endpoint, failure.describe(), logEvery);
        }
    }

    void completed(ProviderId endpoint) {
        AtomicReference<State> state = states.get(endpoint);
        if (state != null && !state.get().healthy()) {
            state.updateAndGet(s -> new State(true, s.lastLogged()));
            log.info("endpoint {} answers again", endpoint);
        }
    }
}
