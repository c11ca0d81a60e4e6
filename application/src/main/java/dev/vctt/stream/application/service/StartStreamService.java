package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.ErrorCode;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.Scheduler;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenEstimate;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.RequestCheck;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.Pending;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/** Checks a request, routes it to its role's first model, and starts the stream. */
public final class StartStreamService implements StartStreamUseCase {

    private final RequestPolicy policy;
    private final RouteTable routes;
    private final PriceTable prices;
    private final ActiveStreams active;
    private final IdGenerator ids;
    private final InstantSource clock;
    private final RunDependencies deps;

    public StartStreamService(RequestPolicy policy, RouteTable routes, PriceTable prices,
                              Map<ProviderId, LlmProvider> providers, FallbackRule fallback, Scheduler scheduler,
                              ActiveStreams active, IdGenerator ids, InstantSource clock) {
        this.policy = policy;
        this.routes = routes;
        this.prices = prices;
        this.active = active;
        this.ids = ids;
        this.clock = clock;
        this.deps = new RunDependencies(providers, prices, fallback, scheduler, clock, active);
        for (ModelRoute route : routes.allModels()) {
            if (!providers.containsKey(route.provider())) {
                throw new IllegalArgumentException("model " + route.model() + " is routed to provider "
                        + route.provider() + ", which is not configured");
            }
            prices.priceOf(route.model());
        }
    }

    @Override
    public StartOutcome start(StartStreamCommand command, StreamEvents events) {
        Instant now = clock.instant();
        return switch (policy.check(command.request())) {
            case RequestCheck.Invalid invalid ->
                    refuse(command, events, ErrorCode.VALIDATION_ERROR, invalid.describe(), now);
            case RequestCheck.Valid valid -> start(command, valid.request(), events, now);
        };
    }

    private StartOutcome start(StartStreamCommand command, StreamRequest request, StreamEvents events, Instant now) {
        FallbackChain chain = routes.chainFor(request.role());
        ModelRoute first = chain.first();
        SessionId id = ids.newSessionId();
        List<ChatTurn> conversation = request.conversation();
        Attempt attempt = Attempt.start(first, prices.priceOf(first.model()), inputEstimate(conversation));
        var completion = new CompletionRequest(first.model(), conversation, request.temperature(), request.maxTokens());
        var run = new StreamRun(command.client(), command.requestId(), Pending.start(id, request.role(), now, attempt),
                chain, completion, events, deps);
        if (!active.tryAdd(run)) {
            return refuse(command, events, ErrorCode.TOO_MANY_STREAMS,
                    "at most " + active.maxPerClient() + " streams may run at once on one connection", now);
        }
        events.started(new StreamStarted(id, first.model(), request.role(), command.requestId(), now));
        run.begin();
        return new StartOutcome.Started(id);
    }

    private static TokenCount inputEstimate(List<ChatTurn> conversation) {
        long chars = 0;
        for (ChatTurn turn : conversation) {
            chars += turn.content().length();
        }
        return TokenEstimate.ofChars(chars);
    }

    private static StartOutcome refuse(StartStreamCommand command, StreamEvents events, ErrorCode code, String message,
                                       Instant now) {
        events.failed(StreamFailed.refused(code, message, command.requestId(), now));
        return new StartOutcome.Refused(code, message);
    }
}
