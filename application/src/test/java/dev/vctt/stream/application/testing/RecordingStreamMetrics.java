package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.StreamMetrics;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Records what streams report, as lines a test can compare. */
public final class RecordingStreamMetrics implements StreamMetrics {

    private final List<String> observed = new ArrayList<>();

    @Override
    public synchronized void started(AgentRole role, ModelId model) {
        observed.add("started " + role.wireName() + " " + model);
    }

    @Override
    public synchronized void firstToken(AgentRole role, ModelId model, Duration afterStart) {
        observed.add("first token " + model + " after " + afterStart.toMillis() + " ms");
    }

    @Override
    public synchronized void chunk(ModelId model, Duration gap) {
        observed.add("chunk " + model + " gap " + gap.toMillis() + " ms");
    }

    @Override
    public synchronized void ended(AgentRole role, ModelId model, Outcome outcome, TokenUsage usage, Usd cost) {
        observed.add("ended " + outcome + " " + model + " " + usage.input().value() + "/" + usage.output().value() + " " + cost);
    }

    @Override
    public synchronized void fellBack(ModelId from, ModelId to, FailureKind why) {
        observed.add("fell back " + from + " -> " + to + " " + why);
    }

    @Override
    public synchronized void providerFailed(ModelId model, FailureKind kind) {
        observed.add("failed " + model + " " + kind);
    }

    public synchronized List<String> observed() {
        return List.copyOf(observed);
    }
}
