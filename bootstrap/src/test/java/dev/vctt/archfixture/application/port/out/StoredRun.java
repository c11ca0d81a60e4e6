package dev.vctt.archfixture.application.port.out;

import dev.vctt.archfixture.application.port.in.GoodUseCase;

/** Fixture violation: an outbound port record that carries an inbound port type. */
public record StoredRun(GoodUseCase startedBy) {
}
