package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.BandEvents;
import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.StartBandCommand;
import dev.vctt.stream.application.port.in.StartBandUseCase;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.IdGenerator;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.RunningBand;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.band.BandBudget;
import dev.vctt.stream.domain.band.BandCheck;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandPolicy;
import dev.vctt.stream.domain.band.BandRequest;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.RouteTable;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a band request, reserves the band's whole worst case (every member, the synthesis and the
 * verification) in one reservation before any provider is asked, and starts every member as an
 * ordinary stream. The {@link BandRun} takes it from there.
 */
public final class StartBandService implements StartBandUseCase {

    private static final Logger log = LoggerFactory.getLogger(StartBandService.class);

    private final BandPolicy policy;
    private final BudgetSettings budgets;
    private final StreamDependencies deps;
    private final IdGenerator ids;
    private final LiveKeys keys;
    private final ActiveBands bands;
    private final BandStore store;
    private final RandomGenerator random;
    private final StreamLauncher launcher;

    /** {@code random} orders the answers the verifier sees; it must be safe to share between threads. */
    public StartBandService(BandPolicy policy, RouteTable routes, BudgetSettings budgets, StreamDependencies deps,
                            IdGenerator ids, LiveKeys keys, ActiveBands bands, BandStore store, RandomGenerator random) {
        this.policy = policy;
        this.budgets = budgets;
        this.deps = deps;
        this.ids = ids;
        this.keys = keys;
        this.bands = bands;
        this.store = store;
        this.random = random;
        this.launcher = new StreamLauncher(routes, budgets, deps);
    }

    @Override
    public BandOutcome start(StartBandCommand command, BandEvents events) {
        if (!deps.active().isHere(command.client())) {
            return new BandOutcome.ClientGone(command.client());
        }
        Instant now = deps.clock().instant();
        if (keys.revoked(command.caller())) {
            return refuse(command, events, ErrorCode.UNAUTHORIZED, "this connection's API key has been revoked", now);
        }
        return switch (policy.check(command.request())) {
            case BandCheck.Invalid invalid -> refuse(command, events, ErrorCode.VALIDATION_ERROR, invalid.describe(), now);
            case BandCheck.Valid valid -> start(command, valid.request(), events, now);
        };
    }

    private BandOutcome start(StartBandCommand command, BandRequest request, BandEvents events, Instant now) {
        int free = deps.active().maxPerClient() - deps.active().countOf(command.client());
        if (request.roles().size() > free) {
            return refuse(command, events, ErrorCode.TOO_MANY_STREAMS, "this band needs " + request.roles().size()
                    + " streams but only " + Math.max(0, free) + " more may run on this connection", now);
        }
        BandId id = BandId.of("band-" + ids.newSessionId().value());
        var plans = new ArrayList<StreamLauncher.Plan>(request.roles().size());
        for (AgentRole role : request.roles()) {
            plans.add(launcher.plan(ids.newSessionId(), request.forMember(role)));
        }
        BandBudget budget = budget(request, plans);

        List<BudgetLimit> limits = StartStreamService.limitsFor(command.caller(), budgets);
        LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
        if (!limits.isEmpty()) {
            BudgetDecision decision;
            try {
                decision = deps.ledger().reserve(new Reservation(SessionId.of(id.value()), command.caller().apiKey(), day,
                        budget.total(), limits));
            } catch (StoreUnavailable e) {
                log.error("cannot check budgets: {}", e.getMessage());
                return refuse(command, events, ErrorCode.INTERNAL_ERROR, "budgets cannot be checked right now", now);
            }
            if (decision instanceof BudgetDecision.Refused refused) {
                return refuse(command, events, ErrorCode.BUDGET_EXCEEDED,
                        "this band " + StartStreamService.describe(refused).substring("this request ".length()), now);
            }
        }
        var band = new BandRun(id, command.client(), command.caller(), request, budget, !limits.isEmpty(),
                command.requestId(), events, launcher, deps, bands, store, ids::newSessionId, random, now);
        try {
            // before band_start, so a band_cancel sent to another node finds it once the start is written
            store.started(new RunningBand(id, command.caller().apiKey(), now));
        } catch (StoreUnavailable e) {
            log.warn("band {} runs without being stored as running (a band_cancel reaches it on this node only): {}",
                    id, e.getMessage());
        }
        bands.add(band);
        band.begin(plans);
        return new BandOutcome.Started(id);
    }

    /**
     * Each member's worst case, and for the synthesiser and the verifier a prompt that quotes every
     * member's answer at its full length (and, for the verifier, the synthesis too).
     */
    private BandBudget budget(BandRequest request, List<StreamLauncher.Plan> plans) {
        var memberCosts = new ArrayList<Usd>(plans.size());
        var answers = new ArrayList<TokenCount>(plans.size() + 1);
        for (StreamLauncher.Plan plan : plans) {
            memberCosts.add(launcher.worstCase(plan));
            answers.add(TokenCount.of(plan.maxOutput()));
        }
        TokenCount question = plans.getFirst().inputEstimate();
        int maxOutput = plans.getFirst().maxOutput();
        Usd synthesis = Usd.ZERO;
        Usd verification = Usd.ZERO;
        if (request.synthesis()) {
            synthesis = launcher.worstCase(launcher.routes().chainFor(AgentRole.SYNTHESISER),
                    BandBudget.aggregatorInput(question, answers), maxOutput);
        }
        if (request.verification()) {
            answers.add(TokenCount.of(maxOutput));
            verification = launcher.worstCase(launcher.routes().chainFor(AgentRole.VERIFICATION),
                    BandBudget.aggregatorInput(question, answers), maxOutput);
        }
        return BandBudget.split(memberCosts, synthesis, verification);
    }

    private static BandOutcome refuse(StartBandCommand command, BandEvents events, ErrorCode code, String message,
                                      Instant now) {
        events.refused(StreamFailed.refused(code, message, command.requestId(), now));
        return new BandOutcome.Refused(code, message);
    }
}
