package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandEvents;
import dev.vctt.stream.application.port.in.BandMember;
import dev.vctt.stream.application.port.in.BandMemberResult;
import dev.vctt.stream.application.port.in.BandStarted;
import dev.vctt.stream.domain.band.MemberOutcome;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.application.port.out.BandRecord;
import dev.vctt.stream.application.port.out.BandStore;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.band.BandBudget;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandProgress;
import dev.vctt.stream.domain.band.BandRequest;
import dev.vctt.stream.domain.band.JudgePrompt;
import dev.vctt.stream.domain.band.SynthesisPrompt;
import dev.vctt.stream.domain.band.Verdict;
import dev.vctt.stream.domain.band.Voice;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.StreamRequest;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running band. Its members are ordinary {@link StreamRun}s; the band listens to each through a
 * {@link Seat} (which passes every event on to the client untouched) and decides, under its own
 * lock, when the members are done, when to cut them all for budget, and when the synthesis and the
 * verification start. It acts on runs (cancel, cut, launch) only after leaving its lock, and never
 * takes a run's lock itself, so a run's callback may call in here while holding the run's lock.
 */
final class BandRun {

    private static final Logger log = LoggerFactory.getLogger(BandRun.class);

    private enum Phase { MEMBERS, SYNTHESIS, VERIFICATION, DONE }

    private enum Kind { MEMBER, SYNTHESIS, VERIFICATION }

    private final BandId id;
    private final ClientId client;
    private final Caller caller;
    private final BandRequest request;
    private final BandBudget budget;
    private final boolean capped;
    private final Optional<String> requestId;
    private final BandEvents events;
    private final StreamLauncher launcher;
    private final StreamDependencies deps;
    private final ActiveBands bands;
    private final BandStore store;
    private final SeatIds ids;
    private final RandomGenerator random;
    private final Instant startedAt;
    private final LocalDate day;

    private final Map<SessionId, Seat> seats = new LinkedHashMap<>();
    private BandStarted started;
    private Phase phase = Phase.MEMBERS;
    private boolean cancelled;
    private boolean budgetCut;
    /** The phase moved on and its first step (launch the synthesis or verification) is still to take. */
    private boolean pendingStep;
    private boolean finished;
    private Optional<String> synthesis = Optional.empty();
    private Optional<Verdict.Reading> verdict = Optional.empty();

    /** Names the sessions the band adds later (synthesis, verification). */
    interface SeatIds {
        SessionId next();
    }

    BandRun(BandId id, ClientId client, Caller caller, BandRequest request, BandBudget budget, boolean capped,
            Optional<String> requestId, BandEvents events, StreamLauncher launcher, StreamDependencies deps,
            ActiveBands bands, BandStore store, SeatIds ids, RandomGenerator random, Instant startedAt) {
        this.id = id;
        this.client = client;
        this.caller = caller;
        this.request = request;
        this.budget = budget;
        this.capped = capped;
        this.requestId = requestId;
        this.events = events;
        this.launcher = launcher;
        this.deps = deps;
        this.bands = bands;
        this.store = store;
        this.ids = ids;
        this.random = random;
        this.startedAt = startedAt;
        this.day = LocalDate.ofInstant(startedAt, ZoneOffset.UTC);
    }

    BandId id() {
        return id;
    }

    ClientId client() {
        return client;
    }

    /** Announces the band and starts every planned member, then the member timeout if one was asked. */
    void begin(List<StreamLauncher.Plan> plans) {
        var members = plans.stream().map(plan -> new BandMember(plan.id(), plan.request().role(), plan.first().model()))
                .toList();
        var seatsToStart = new ArrayList<Seat>(plans.size());
        synchronized (this) {
            started = new BandStarted(id, members, requestId, startedAt);
            for (int i = 0; i < plans.size(); i++) {
                Seat seat = new Seat(members.get(i), Kind.MEMBER, events.member(started, members.get(i)));
                seats.put(seat.member.sessionId(), seat);
                seatsToStart.add(seat);
            }
        }
        events.started(started);
        for (int i = 0; i < plans.size(); i++) {
            start(seatsToStart.get(i), plans.get(i), Optional.empty());
        }
        request.memberTimeout().ifPresent(timeout -> deps.scheduler().schedule(timeout, this::membersTimedOut));
    }

    /** {@code band_cancel}: every running member, synthesis and verification stop; nothing new starts. */
    void cancel() {
        List<Seat> running;
        synchronized (this) {
            if (cancelled || phase == Phase.DONE) {
                return;
            }
            cancelled = true;
            running = running(null);
        }
        running.forEach(seat -> seat.stop(MemberOutcome.CANCELLED));
        next();
    }

    private void start(Seat seat, StreamLauncher.Plan plan, Optional<Usd> ceiling) {
        Instant now = deps.clock().instant();
        switch (launcher.launch(plan, client, caller, ceiling, requestId, seat, now)) {
            case StreamLauncher.Launch.Launched launched -> {
                boolean stopNow;
                synchronized (this) {
                    seat.run = launched.run();
                    stopNow = cancelled && seat.outcome == null;
                }
                if (stopNow) {
                    seat.stop(MemberOutcome.CANCELLED);
                }
            }
            case StreamLauncher.Launch.Refused refused -> {
                seat.downstream.failed(new StreamFailed(Optional.of(plan.id()), refused.code(), refused.message(), List.of(),
                        requestId, now));
                ended(seat, MemberOutcome.REFUSED, "", TokenCount.ZERO, Usd.ZERO);
            }
            case StreamLauncher.Launch.ClientGone gone -> {
                seat.downstream.failed(new StreamFailed(Optional.of(plan.id()), ErrorCode.INTERNAL_ERROR,
                        "the client left before this member could start", List.of(), requestId, now));
                synchronized (this) {
                    cancelled = true;
                }
                ended(seat, MemberOutcome.REFUSED, "", TokenCount.ZERO, Usd.ZERO);
            }
        }
    }

    private void chunked(Seat seat, Usd costSoFar) {
        List<Seat> toCut;
        synchronized (this) {
            seat.spent = costSoFar;
            if (!capped || budgetCut || seat.kind != Kind.MEMBER) {
                return;
            }
            Usd spent = Usd.ZERO;
            for (Seat each : seats.values()) {
                if (each.kind == Kind.MEMBER) {
                    spent = spent.plus(each.spent);
                }
            }
            if (!budget.membersSpent(spent)) {
                return;
            }
            budgetCut = true;
            log.info("band {}: its members spent {} of their {}; cutting every member", id, spent, budget.members());
            toCut = running(Kind.MEMBER);
        }
        toCut.forEach(Seat::cutForBudget);
    }

    private void membersTimedOut() {
        List<Seat> late;
        synchronized (this) {
            if (phase != Phase.MEMBERS) {
                return;
            }
            late = running(Kind.MEMBER);
            late.forEach(seat -> seat.stoppedAs = MemberOutcome.TIMED_OUT);
        }
        log.info("band {}: member timeout passed with {} member(s) still running", id, late.size());
        late.forEach(seat -> seat.stop(MemberOutcome.TIMED_OUT));
        synchronized (this) {
            if (phase == Phase.MEMBERS) {
                phase = Phase.SYNTHESIS;
                pendingStep = true;
            }
        }
        next();
    }

    private void ended(Seat seat, MemberOutcome outcome, String text, TokenCount tokens, Usd cost) {
        synchronized (this) {
            if (seat.outcome != null) {
                return;
            }
            seat.outcome = seat.stoppedAs != null && outcome == MemberOutcome.CANCELLED ? seat.stoppedAs : outcome;
            seat.text = text;
            seat.tokens = tokens;
            seat.cost = cost;
            switch (seat.kind) {
                case MEMBER -> {
                    if (phase == Phase.MEMBERS) {
                        int members = 0;
                        int ended = 0;
                        int answered = 0;
                        for (Seat each : seats.values()) {
                            if (each.kind == Kind.MEMBER) {
                                members++;
                                ended += each.outcome != null ? 1 : 0;
                                answered += each.answered() ? 1 : 0;
                            }
                        }
                        if (BandProgress.readyForSynthesis(members, ended, answered, request.quorum())) {
                            phase = Phase.SYNTHESIS;
                            pendingStep = true;
                        }
                    }
                }
                case SYNTHESIS -> {
                    synthesis = seat.answered() ? Optional.of(text) : Optional.empty();
                    phase = Phase.VERIFICATION;
                    pendingStep = true;
                }
                case VERIFICATION -> {
                    verdict = outcome == MemberOutcome.COMPLETED ? Optional.of(Verdict.read(text)) : Optional.empty();
                    phase = Phase.DONE;
                }
            }
        }
        next();
    }

    /** Takes the step the band's state calls for, outside the lock: stop stragglers, launch, or finish. */
    private void next() {
        List<Seat> stragglers = List.of();
        Optional<Step> step = Optional.empty();
        boolean finish = false;
        synchronized (this) {
            if (pendingStep) {
                pendingStep = false;
                if (phase == Phase.SYNTHESIS) {
                    stragglers = running(Kind.MEMBER);
                    step = cancelled || !request.synthesis() ? Optional.empty() : synthesisStep();
                    if (step.isEmpty()) {
                        phase = Phase.DONE;
                    }
                } else if (phase == Phase.VERIFICATION) {
                    step = cancelled || !request.verification() || synthesis.isEmpty() ? Optional.empty() : verificationStep();
                    if (step.isEmpty()) {
                        phase = Phase.DONE;
                    }
                }
            }
            if (step.isEmpty() && phase == Phase.DONE && running(null).isEmpty() && !finished) {
                finished = true;
                finish = true;
            }
        }
        stragglers.forEach(seat -> seat.stop(MemberOutcome.CANCELLED));
        step.ifPresent(s -> start(s.seat, s.plan, s.ceiling));
        if (finish) {
            finish();
        }
    }

    private record Step(Seat seat, StreamLauncher.Plan plan, Optional<Usd> ceiling) {
    }

    private Optional<Step> synthesisStep() {
        var voices = new ArrayList<Voice>();
        var missing = new ArrayList<String>();
        for (Seat seat : seats.values()) {
            if (seat.kind == Kind.MEMBER) {
                if (seat.answered()) {
                    voices.add(new Voice(seat.member.role(), seat.member.model(), seat.text));
                } else {
                    missing.add(seat.member.role().wireName());
                }
            }
        }
        if (voices.isEmpty()) {
            log.info("band {}: no member answered; no synthesis", id);
            return Optional.empty();
        }
        return Optional.of(step(AgentRole.SYNTHESISER, SynthesisPrompt.assemble(request.question().message(), voices,
                missing), budget.synthesis(), Kind.SYNTHESIS));
    }

    private Optional<Step> verificationStep() {
        var voices = new ArrayList<Voice>();
        for (Seat seat : seats.values()) {
            if (seat.kind == Kind.MEMBER && seat.answered()) {
                voices.add(new Voice(seat.member.role(), seat.member.model(), seat.text));
            }
        }
        List<ChatTurn> prompt;
        synchronized (random) {
            prompt = JudgePrompt.assemble(request.question().message(), synthesis.orElseThrow(), voices, random);
        }
        return Optional.of(step(AgentRole.VERIFICATION, prompt, budget.verification(), Kind.VERIFICATION));
    }

    private Step step(AgentRole role, List<ChatTurn> prompt, Usd share, Kind kind) {
        StreamRequest question = request.question();
        var asked = new StreamRequest(prompt.get(prompt.size() - 1).content(),
                prompt.stream().filter(turn -> turn.role() == ChatRole.SYSTEM).map(ChatTurn::content).findFirst(),
                question.temperature(), role, false, List.of(), question.maxTokens(), question.onDisconnect(),
                question.smoothing());
        StreamLauncher.Plan plan = launcher.plan(ids.next(), asked);
        var member = new BandMember(plan.id(), role, plan.first().model());
        Seat seat = new Seat(member, kind, events.member(started, member));
        seats.put(member.sessionId(), seat);
        return new Step(seat, plan, capped ? Optional.of(share) : Optional.empty());
    }

    /** Seats still running, of one kind or (null) all. */
    private List<Seat> running(Kind kind) {
        return seats.values().stream().filter(seat -> seat.outcome == null && (kind == null || seat.kind == kind)).toList();
    }

    private void finish() {
        bands.remove(this);
        if (capped) {
            try {
                // the band's reservation is given back; each member has billed its own session
                deps.ledger().settle(new Settlement(SessionId.of(id.value()), caller.apiKey(), day, List.of()));
            } catch (StoreUnavailable e) {
                log.error("could not release the reservation of band {}: {}", id, e.getMessage());
            }
        }
        var results = new ArrayList<BandMemberResult>();
        TokenCount tokens = TokenCount.ZERO;
        Usd cost = Usd.ZERO;
        synchronized (this) {
            for (Seat seat : seats.values()) {
                boolean used = seat.kind == Kind.MEMBER && seat.answered() && synthesis.isPresent();
                var member = new BandMember(seat.member.sessionId(), seat.member.role(), seat.answeredBy);
                results.add(new BandMemberResult(member, seat.outcome, seat.tokens, seat.cost, used));
                tokens = tokens.plus(seat.tokens);
                cost = cost.plus(seat.cost);
            }
        }
        Instant now = deps.clock().instant();
        var completed = new BandCompleted(id, results, synthesis, verdict, tokens, cost, Duration.between(startedAt, now),
                cancelled, requestId, now);
        try {
            store.ended(new BandRecord(id, caller.apiKey(), requestId, startedAt, now, cancelled,
                    results.stream().map(r -> new BandRecord.Member(r.member().sessionId(), r.member().role(),
                            r.member().model(), r.outcome(), r.tokens(), r.cost(), r.used())).toList(),
                    synthesis, verdict, tokens, cost));
        } catch (StoreUnavailable e) {
            log.error("could not record band {}: {}", id, e.getMessage());
        }
        log.info("band {} ended: members={} cost={} cancelled={} budgetCut={}", id, results.size(), cost, cancelled, budgetCut);
        events.completed(completed);
    }

    /**
     * One member's place in the band: it forwards the member's events to the client as they are,
     * and tells the band what it spent and how it ended.
     */
    private final class Seat implements StreamEvents {

        private final BandMember member;
        private final Kind kind;
        private final StreamEvents downstream;
        private StreamRun run;
        private Usd spent = Usd.ZERO;
        private MemberOutcome outcome;
        private MemberOutcome stoppedAs;
        private String text = "";
        private TokenCount tokens = TokenCount.ZERO;
        private Usd cost = Usd.ZERO;
        /** The model that wrote the answer: the first of the chain unless the member fell back. */
        private ModelId answeredBy;

        Seat(BandMember member, Kind kind, StreamEvents downstream) {
            this.member = member;
            this.kind = kind;
            this.downstream = downstream;
            this.answeredBy = member.model();
        }

        boolean answered() {
            return outcome == MemberOutcome.COMPLETED && !text.isBlank();
        }

        void stop(MemberOutcome as) {
            StreamRun current;
            synchronized (BandRun.this) {
                if (stoppedAs == null) {
                    stoppedAs = as;
                }
                current = run;
            }
            if (current != null) {
                current.cancel();
            }
        }

        void cutForBudget() {
            StreamRun current;
            synchronized (BandRun.this) {
                current = run;
            }
            if (current != null) {
                current.cutForBudget();
            }
        }

        @Override
        public void started(StreamStarted event) {
            downstream.started(event);
        }

        @Override
        public void chunk(StreamChunk event) {
            downstream.chunk(event);
            chunked(this, event.estimatedCost());
        }

        @Override
        public void replayed(StreamChunk event) {
            downstream.replayed(event);
        }

        @Override
        public void completed(StreamCompleted event) {
            downstream.completed(event);
            synchronized (BandRun.this) {
                answeredBy = event.model();
            }
            MemberOutcome how = switch (event.finishReason()) {
                case CANCELLED -> MemberOutcome.CANCELLED;
                case BUDGET -> MemberOutcome.BUDGET;
                case STOP, LENGTH, CONTENT_FILTER, TOOL_CALLS, TOOL_STEPS, INTERRUPTED -> MemberOutcome.COMPLETED;
            };
            String answer = event.finishReason() == FinishReason.STOP || event.finishReason() == FinishReason.LENGTH
                    ? event.fullText() : "";
            ended(this, how, answer, event.usage().total(), event.totalCost());
        }

        @Override
        public void failed(StreamFailed event) {
            downstream.failed(event);
            TokenCount used = TokenCount.ZERO;
            Usd billed = Usd.ZERO;
            for (AttemptResult attempt : event.attempts()) {
                used = used.plus(attempt.metering().usage().total());
                billed = billed.plus(attempt.metering().cost());
            }
            ended(this, MemberOutcome.FAILED, "", used, billed);
        }

        @Override
        public void fellBack(StreamFellBack event) {
            downstream.fellBack(event);
        }

        @Override
        public void resynced(StreamResync event) {
            downstream.resynced(event);
        }
    }
}
