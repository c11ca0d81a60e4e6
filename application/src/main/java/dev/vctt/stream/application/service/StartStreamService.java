package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.RequestCheck;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.Pending;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a request, reserves its worst-case cost against the day's budgets, records the session,
 * and starts the stream on its role's first model. Nothing here waits for a provider; the budget
 * reservation is the one database round trip before the first provider call.
 */
public final class StartStreamService implements StartStreamUseCase {

    private static final Logger log = LoggerFactory.getLogger(StartStreamService.class);

    private final RequestPolicy policy;
    private final RouteTable routes;
    private final PriceTable prices;
    private final BudgetSettings budgets;
    private final ActiveStreams active;
    private final IdGenerator ids;
    private final InstantSource clock;
    private final StreamDependencies deps;
    private final LiveKeys keys;

    public StartStreamService(RequestPolicy policy, RouteTable routes, BudgetSettings budgets, StreamDependencies deps,
                              IdGenerator ids, LiveKeys keys) {
        this.policy = policy;
        this.routes = routes;
        this.prices = deps.prices();
        this.budgets = budgets;
        this.active = deps.active();
        this.ids = ids;
        this.clock = deps.clock();
        this.deps = deps;
        this.keys = keys;
        for (ModelRoute route : routes.allModels()) {
            if (!deps.providers().containsKey(route.provider())) {
                throw new IllegalArgumentException("model " + route.model() + " is routed to provider "
                        + route.provider() + ", which is not configured");
            }
            prices.priceOf(route.model());
        }
    }

    @Override
    public StartOutcome start(StartStreamCommand command, StreamEvents events) {
        if (!active.isHere(command.client())) {
            return gone(command);
        }
        Instant now = clock.instant();
        if (keys.revoked(command.caller())) {
            return refuse(command, events, ErrorCode.UNAUTHORIZED, "this connection's API key has been revoked", now);
        }
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
        TokenCount inputEstimate = PromptTokens.estimate(deps.tokenizer(), first.model(), conversation);
        int maxOutput = request.maxTokens().orElse(budgets.defaultMaxOutputTokens());
        List<BudgetLimit> limits = limitsFor(command);
        ToolLoop tools = ToolLoop.offer(deps.tools(), request.toolsEnabled(), command.caller(), limits);
        var completion = new CompletionRequest(first.model(), conversation, request.temperature(), OptionalInt.of(maxOutput),
                tools.offered());
        Attempt attempt = Attempt.start(first, prices.priceOf(first.model()), inputEstimate);

        Optional<Usd> ceiling = Optional.empty();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!limits.isEmpty()) {
            Usd worstCase = worstCase(chain, conversation, maxOutput);
            BudgetDecision decision;
            try {
                decision = deps.ledger().reserve(new Reservation(id, command.caller().apiKey(), day, worstCase, limits));
            } catch (StoreUnavailable e) {
                log.error("cannot check budgets: {}", e.getMessage());
                return refuse(command, events, ErrorCode.INTERNAL_ERROR, "budgets cannot be checked right now", now);
            }
            if (decision instanceof BudgetDecision.Refused refused) {
                return refuse(command, events, ErrorCode.BUDGET_EXCEEDED, describe(refused), now);
            }
            ceiling = Optional.of(worstCase);
        }

        var run = new StreamRun(command.client(), command.caller(), ceiling, command.requestId(), request.onDisconnect(),
                Pending.start(id, request.role(), now, attempt), chain, completion, events, deps).withTools(tools);
        switch (active.tryAdd(run)) {
            case ADDED -> {
            }
            case CLIENT_FULL -> {
                release(id, command, day);
                return refuse(command, events, ErrorCode.TOO_MANY_STREAMS,
                        "at most " + active.maxPerClient() + " streams may run at once on one connection", now);
            }
            case CLIENT_GONE -> {
                // the client left while this request was checked and reserved: nothing may start now
                release(id, command, day);
                return gone(command);
            }
        }
        try {
            deps.sessions().opened(new SessionOpened(id, command.client(), command.caller(), request,
                    command.requestId(), first, inputEstimate, now));
        } catch (StoreUnavailable e) {
            active.remove(run);
            release(id, command, day);
            log.error("cannot record a new session: {}", e.getMessage());
            return refuse(command, events, ErrorCode.INTERNAL_ERROR, "the server cannot record sessions right now", now);
        }
        events.started(new StreamStarted(id, first.model(), request.role(), command.requestId(), now));
        deps.metrics().started(request.role(), first.model());
        run.begin();
        return new StartOutcome.Started(id);
    }

    private List<BudgetLimit> limitsFor(StartStreamCommand command) {
        var limits = new ArrayList<BudgetLimit>(2);
        if (command.caller().apiKey().isPresent()) {
            command.caller().dailyBudget().or(budgets::keyDefault)
                    .ifPresent(daily -> limits.add(new BudgetLimit(BudgetScope.KEY, daily)));
        }
        budgets.globalDaily().ifPresent(daily -> limits.add(new BudgetLimit(BudgetScope.GLOBAL, daily)));
        return limits;
    }

    /** The dearest model of the chain, asked the whole conversation and writing every token it may. */
    private Usd worstCase(FallbackChain chain, List<ChatTurn> conversation, int maxOutput) {
        Usd worst = Usd.ZERO;
        for (ModelRoute route : chain.models()) {
            Usd cost = BudgetPolicy.worstCase(prices.priceOf(route.model()),
                    PromptTokens.estimate(deps.tokenizer(), route.model(), conversation), TokenCount.of(maxOutput));
            if (cost.compareTo(worst) > 0) {
                worst = cost;
            }
        }
        return worst;
    }

    /** A reservation made for a stream that then did not start is given back. */
    private void release(SessionId id, StartStreamCommand command, LocalDate day) {
        try {
            deps.ledger().settle(new Settlement(id, command.caller().apiKey(), day, List.of()));
        } catch (StoreUnavailable e) {
            log.error("could not release the reservation of {}: {}", id, e.getMessage());
        }
    }

    private static String describe(BudgetDecision.Refused refused) {
        String whose = refused.scope() == BudgetScope.KEY ? "this API key's" : "the server's";
        return "this request may cost up to $" + refused.needed().toPlainString() + " but only $"
                + refused.left().toPlainString() + " is left of " + whose + " budget for today";
    }

    private static StartOutcome gone(StartStreamCommand command) {
        log.debug("client {} left before its stream could start", command.client());
        return new StartOutcome.ClientGone(command.client());
    }

    private static StartOutcome refuse(StartStreamCommand command, StreamEvents events, ErrorCode code, String message,
                                       Instant now) {
        events.failed(StreamFailed.refused(code, message, command.requestId(), now));
        return new StartOutcome.Refused(code, message);
    }
}
