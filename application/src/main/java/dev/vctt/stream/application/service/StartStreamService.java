package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StartStreamUseCase;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.RequestCheck;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
    private final StreamLauncher launcher;

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
        this.launcher = new StreamLauncher(routes, budgets, deps);
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
        List<BudgetLimit> limits = limitsFor(command.caller(), budgets);
        ToolLoop tools = ToolLoop.offer(deps.tools(), request.toolsEnabled(), command.caller(), limits);
        StreamLauncher.Plan plan = launcher.plan(ids.newSessionId(), request, tools);
        SessionId id = plan.id();

        Optional<Usd> ceiling = Optional.empty();
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!limits.isEmpty()) {
            Usd worstCase = launcher.worstCase(plan);
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

        return switch (launcher.launch(plan, command.client(), command.caller(), ceiling, command.requestId(), events, now)) {
            case StreamLauncher.Launch.Launched launched -> new StartOutcome.Started(id);
            case StreamLauncher.Launch.Refused refused -> {
                release(id, command, day);
                yield refuse(command, events, refused.code(), refused.message(), now);
            }
            case StreamLauncher.Launch.ClientGone clientGone -> {
                // the client left while this request was checked and reserved: nothing may start now
                release(id, command, day);
                yield gone(command);
            }
        };
    }

    /** The budget limits a caller's request is held to today: its key's, then the server's. */
    static List<BudgetLimit> limitsFor(Caller caller, BudgetSettings budgets) {
        var limits = new ArrayList<BudgetLimit>(2);
        if (caller.apiKey().isPresent()) {
            caller.dailyBudget().or(budgets::keyDefault)
                    .ifPresent(daily -> limits.add(new BudgetLimit(BudgetScope.KEY, daily)));
        }
        budgets.globalDaily().ifPresent(daily -> limits.add(new BudgetLimit(BudgetScope.GLOBAL, daily)));
        return limits;
    }

    private List<BudgetLimit> limitsFor(StartStreamCommand command) {
        return limitsFor(command.caller(), budgets);
    }

    /** A reservation made for a stream that then did not start is given back. */
    private void release(SessionId id, StartStreamCommand command, LocalDate day) {
        try {
            deps.ledger().settle(new Settlement(id, command.caller().apiKey(), day, List.of()));
        } catch (StoreUnavailable e) {
            log.error("could not release the reservation of {}: {}", id, e.getMessage());
        }
    }

    static String describe(BudgetDecision.Refused refused) {
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
