package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ProviderId;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class EndpointHealthTest {

    private static final ProviderId LOCAL = ProviderId.of("local-a");
    private static final ProviderFailure UNAUTHORIZED = ProviderFailure.ofStatus(FailureKind.UNAUTHORIZED, 401,
            Optional.empty(), "Incorrect API key provided");

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T04:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EndpointHealth health = new EndpointHealth(List.of(LOCAL, ProviderId.OPENAI), registry,
            () -> now.get(), Duration.ofMinutes(1));
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        ((Logger) LoggerFactory.getLogger(EndpointHealth.class)).addAppender(logged);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(EndpointHealth.class)).detachAppender(logged);
    }

    private double gauge(ProviderId endpoint) {
        return registry.get("vctt.provider.endpoint.healthy").tag("endpoint", endpoint.value()).gauge().value();
    }

    @Test
    void an_auth_failure_marks_only_its_endpoint_unhealthy_until_a_stream_of_it_completes() {
        health.authFailed(LOCAL, UNAUTHORIZED);

        assertThat(gauge(LOCAL)).isZero();
        assertThat(gauge(ProviderId.OPENAI)).isEqualTo(1.0);
        assertThat(health.snapshot()).containsEntry("local-a", false).containsEntry("openai", true);
        assertThat(registry.get("vctt.provider.auth.failures").tag("endpoint", "local-a").counter().count()).isEqualTo(1.0);

        health.completed(LOCAL);
        assertThat(gauge(LOCAL)).isEqualTo(1.0);
    }

    @Test
    void auth_failures_are_logged_once_per_interval_not_once_per_request() {
        for (int i = 0; i < 50; i++) {
            health.authFailed(LOCAL, UNAUTHORIZED);
        }
        assertThat(logged.list).hasSize(1);
        assertThat(logged.list.getFirst().getFormattedMessage()).contains("local-a").contains("HTTP 401");

        now.set(now.get().plus(Duration.ofSeconds(59)));
        health.authFailed(LOCAL, UNAUTHORIZED);
        assertThat(logged.list).hasSize(1);

        now.set(now.get().plus(Duration.ofSeconds(2)));
        health.authFailed(LOCAL, UNAUTHORIZED);
        assertThat(logged.list).hasSize(2);
        assertThat(registry.get("vctt.provider.auth.failures").tag("endpoint", "local-a").counter().count()).isEqualTo(52.0);
    }
}
