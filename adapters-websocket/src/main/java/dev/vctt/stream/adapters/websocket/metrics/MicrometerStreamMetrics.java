package dev.vctt.stream.adapters.websocket.metrics;

import dev.vctt.stream.application.port.out.StreamMetrics;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * Stream metrics in Micrometer's Prometheus registry. Meters are looked up once per label set and
 * kept; the per-chunk call finds its timer by the model itself, with no key to build, so it is one
 * map lookup and a histogram update. Cost is exported as a floating-point counter, as Prometheus
 * only has those; the exact figures are in the database.
 */
public final class MicrometerStreamMetrics implements StreamMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<ModelId, Timer> chunkGaps = new ConcurrentHashMap<>();

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    /** Registers a gauge read when scraped, such as the number of open connections. */
    public <T> void gauge(String name, String description, T source, ToDoubleFunction<T> value) {
        Gauge.builder(name, source, value).description(description).register(registry);
    }

    @Override
    public void started(AgentRole role, ModelId model) {
        counter("vctt.streams.started", "Streams started", "role", role.wireName(), "model", model.value()).increment();
    }

    @Override
    public void firstToken(AgentRole role, ModelId model, Duration afterStart) {
        timer("vctt.time.to.first.token", "From the request to the first chunk", "role", role.wireName(), "model",
                model.value()).record(afterStart);
    }

    @Override
    public void chunk(ModelId model, Duration gap) {
        chunkGaps.computeIfAbsent(model, m -> timer("vctt.chunk.gap", "Time between two chunks of a stream", "model",
                m.value())).record(gap);
    }

    @Override
    public void ended(AgentRole role, ModelId model, Outcome outcome, TokenUsage usage, Usd cost) {
        counter("vctt.streams.ended", "Streams ended, by outcome", "role", role.wireName(), "model", model.value(),
                "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
        counter("vctt.tokens", "Tokens billed", "model", model.value(), "direction", "input").increment(usage.input().value());
        counter("vctt.tokens", "Tokens billed", "model", model.value(), "direction", "output").increment(usage.output().value());
        counter("vctt.cost.usd", "US dollars billed", "model", model.value()).increment(cost.amount().doubleValue());
    }

    @Override
    public void fellBack(ModelId from, ModelId to, FailureKind why) {
        counter("vctt.fallbacks", "Streams moved to the next model", "from", from.value(), "to", to.value(), "reason",
                kind(why)).increment();
    }

    @Override
    public void wasted(AgentRole role, ModelId model, long tokens) {
        counter("vctt.tokens.wasted", "Output tokens billed after the client left or cancelled", "role", role.wireName(),
                "model", model.value()).increment(tokens);
    }

    @Override
    public void providerFailed(ModelId model, FailureKind kind) {
        counter("vctt.provider.errors", "Provider calls that failed, by kind", "model", model.value(), "kind", kind(kind))
                .increment();
    }

    private static String kind(FailureKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(key(name, tags), k -> Counter.builder(name).description(description).tags(tags)
                .register(registry));
    }

    private Timer timer(String name, String description, String... tags) {
        return timers.computeIfAbsent(key(name, tags), k -> Timer.builder(name).description(description).tags(tags)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry));
    }

    private static String key(String name, String... tags) {
        return name + '\0' + String.join("\0", tags);
    }
}
