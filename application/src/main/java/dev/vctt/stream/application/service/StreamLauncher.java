package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.Pending;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and launches one ordinary stream: its chain, first attempt and worst case, then its
 * registration, its session record, its first provider call and its {@code stream_start}. Shared by
 * single streams and by each member of a band, so a band member is an ordinary stream.
 */
final class StreamLauncher {

    private static final Logger log = LoggerFactory.getLogger(StreamLauncher.class);

    /** What a stream will ask, decided before anything is reserved or started. */
    record Plan(SessionId id, StreamRequest request, FallbackChain chain, CompletionRequest completion, Attempt attempt,
                TokenCount inputEstimate, int maxOutput, ToolLoop tools) {
        Plan {
            Objects.requireNonNull(tools, "tools");
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(chain, "chain");
            Objects.requireNonNull(completion, "completion");
            Objects.requireNonNull(attempt, "attempt");
            Objects.requireNonNull(inputEstimate, "inputEstimate");
        }

        ModelRoute first() {
            return chain.first();
        }
    }

    /** What became of a launch. */
    sealed interface Launch {
        record Launched(StreamRun run) implements Launch {
        }

        record Refused(ErrorCode code, String message) implements Launch {
        }

        record ClientGone() implements Launch {
        }
    }

    private final RouteTable routes;
    private final BudgetSettings budgets;
    private final StreamDependencies deps;

    StreamLauncher(RouteTable routes, BudgetSettings budgets, StreamDependencies deps) {
        this.routes = routes;
        this.budgets = budgets;
        this.deps = deps;
    }

    RouteTable routes() {
        return routes;
    }

    /** A stream that offers no tools (a band member). */
    Plan plan(SessionId id, StreamRequest request) {
        return plan(id, request, ToolLoop.OFF);
    }

    /** A stream that offers the model the tools of {@code tools}. */
    Plan plan(SessionId id, StreamRequest request, ToolLoop tools) {
        FallbackChain chain = routes.chainFor(request.role());
        ModelRoute first = chain.first();
        List<ChatTurn> conversation = request.conversation();
        TokenCount inputEstimate = PromptTokens.estimate(deps.tokenizer(), first.model(), conversation);
        int maxOutput = request.maxTokens().orElse(budgets.defaultMaxOutputTokens());
        var completion = new CompletionRequest(first.model(), conversation, request.temperature(), OptionalInt.of(maxOutput),
                tools.offered());
        Attempt attempt = Attempt.start(first, deps.prices().priceOf(first.model()), inputEstimate);
        return new Plan(id, request, chain, completion, attempt, inputEstimate, maxOutput, tools);
    }

    /** The dearest model of the chain, asked the whole conversation and writing every token it may. */
    Usd worstCase(Plan plan) {
        Usd worst = Usd.ZERO;
        for (ModelRoute route : plan.chain().models()) {
            Usd cost = BudgetPolicy.worstCase(deps.prices().priceOf(route.model()),
                    PromptTokens.estimate(deps.tokenizer(), route.model(), plan.completion().conversation()),
                    TokenCount.of(plan.maxOutput()));
            worst = cost.compareTo(worst) > 0 ? cost : worst;
        }
        return worst;
    }

    /** The dearest model of the chain, asked {@code input} tokens and writing {@code maxOutput}. */
    Usd worstCase(FallbackChain chain, TokenCount input, int maxOutput) {
        Usd worst = Usd.ZERO;
        for (ModelRoute route : chain.models()) {
            Usd cost = BudgetPolicy.worstCase(deps.prices().priceOf(route.model()), input, TokenCount.of(maxOutput));
            worst = cost.compareTo(worst) > 0 ? cost : worst;
        }
        return worst;
    }

    /**
     * Registers, records and starts the planned stream; {@code ceiling} is the cost at which the
     * stream cuts itself. A refusal leaves nothing running; any reservation is the caller's to release.
     */
    Launch launch(Plan plan, ClientId client, Caller caller, Optional<Usd> ceiling, Optional<String> requestId,
                  StreamEvents events, Instant now) {
        StreamRequest request = plan.request();
        var run = new StreamRun(client, caller, ceiling, requestId, request.onDisconnect(),
                Pending.start(plan.id(), request.role(), now, plan.attempt()), plan.chain(), plan.completion(), events, deps)
                .withTools(plan.tools())
                .withSmoothing(request.smoothing().orElse(deps.smoothing().serverDefault()));
        switch (deps.active().tryAdd(run)) {
            case ADDED -> {
            }
            case CLIENT_FULL -> {
                return new Launch.Refused(ErrorCode.TOO_MANY_STREAMS,
                        "at most " + deps.active().maxPerClient() + " streams may run at once on one connection");
            }
            case CLIENT_GONE -> {
                return new Launch.ClientGone();
            }
        }
        try {
            deps.sessions().opened(new SessionOpened(plan.id(), client, caller, request, requestId, plan.first(),
                    plan.inputEstimate(), now));
        } catch (StoreUnavailable e) {
            deps.active().remove(run);
            log.error("cannot record a new session: {}", e.getMessage());
            return new Launch.Refused(ErrorCode.INTERNAL_ERROR, "the server cannot record sessions right now");
        }
        run.begin(() -> events.started(new StreamStarted(plan.id(), plan.first().model(), request.role(), requestId, now)));
        deps.metrics().started(request.role(), plan.first().model());
        return new Launch.Launched(run);
    }
}
