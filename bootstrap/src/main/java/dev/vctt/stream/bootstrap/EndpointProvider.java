package dev.vctt.stream.bootstrap;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ProviderId;
import java.util.Map;

/**
 * One endpoint as the application sees it: the catalog's model name becomes the endpoint's own
 * model id (two endpoints may serve {@code llama3.1} under two catalog names), and how each stream
 * ends tells {@link EndpointHealth} whether the endpoint takes our key.
 */
final class EndpointProvider implements LlmProvider {

    private final ProviderId endpoint;
    private final LlmProvider adapter;
    private final Map<ModelId, ModelId> upstreamIds;
    private final EndpointHealth health;

    EndpointProvider(ProviderId endpoint, LlmProvider adapter, Map<ModelId, ModelId> upstreamIds, EndpointHealth health) {
        this.endpoint = endpoint;
        this.adapter = adapter;
        this.upstreamIds = Map.copyOf(upstreamIds);
        this.health = health;
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        ModelId upstream = upstreamIds.getOrDefault(request.model(), request.model());
        return adapter.stream(request.withModel(upstream), new CompletionListener() {
            @Override
            public void onDelta(TextDelta delta) {
                listener.onDelta(delta);
            }

            @Override
            public void onUsage(ReportedUsage usage) {
                listener.onUsage(usage);
            }

            @Override
            public void onToolCall(ToolCall call) {
                listener.onToolCall(call);
            }

            @Override
            public void onEnd(StreamOutcome outcome) {
                switch (outcome) {
                    case StreamOutcome.Failed failed when failed.failure().kind().blamesEndpoint() ->
                            health.authFailed(endpoint, failed.failure());
                    case StreamOutcome.Completed completed -> health.completed(endpoint);
                    default -> {
                    }
                }
                listener.onEnd(outcome);
            }
        });
    }

    @Override
    public String toString() {
        return endpoint + " via " + adapter;
    }
}
