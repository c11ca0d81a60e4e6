package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LedgerEntry;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamMetrics;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.application.port.out.ToolOutcome;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.tool.ToolLoopPolicy;
import dev.vctt.stream.domain.tool.ToolResultCap;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Continuation;
import dev.vctt.stream.domain.request.DisconnectPolicy;
import dev.vctt.stream.domain.routing.AttemptFailure;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.NextStep;
import dev.vctt.stream.domain.session.Answer;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Ended;
import dev.vctt.stream.domain.session.Failed;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.Live;
import dev.vctt.stream.domain.session.ProviderEnd;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.session.SessionTransition;
import dev.vctt.stream.domain.session.Streaming;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running stream: it drives the session through its states as providers report, follows the
 * {@link dev.vctt.stream.domain.routing.FallbackRule} when a model fails, and tells everyone
 * listening. Its {@link Answer} is the stream's indexed log: resumers read it, and the chunk log
 * flusher hands what is new of it to the store.
 *
 * <p>Provider callbacks arrive one at a time per attempt; they are also serialised on this object,
 * and tagged with their attempt, so a late callback of a superseded attempt is ignored. Subscribing,
 * reading the log and delivering a chunk all hold that lock, which is what makes a resume gapless.
 * {@link #cancel()} takes the lock only while the stream waits to ask a model again.
 */
final class StreamRun {

    private static final Logger log = LoggerFactory.getLogger(StreamRun.class);

    /** What a resume gets from a running (or just ended) stream. */
    sealed interface Replay {
        /** The client asked for chunks past the head of the log. */
        record BeyondHead(int head) implements Replay {
        }

        /** Send {@code chunks}, then let {@code tail} go live (it ends with the terminal event). */
        record From(List<StreamChunk> chunks, LiveTail tail) implements Replay {
        }
    }

    private final ClientId client;
    private final Caller caller;
    private final LocalDate day;
    private Optional<Usd> budgetCeiling;
    private final Optional<String> requestId;
    private final DisconnectPolicy onDisconnect;
    private final FallbackChain chain;
    /** The conversation the next model step is asked: the request's, plus each tool step's turns. */
    private List<ChatTurn> conversation;
    private final CompletionRequest request;
    private final StreamDependencies deps;
    private final StreamSubscribers subscribers = new StreamSubscribers();
    private final StreamMeter meter = new StreamMeter();

    private final Answer answer = new Answer();
    private final List<AttemptFailure> failures = new ArrayList<>();
    private Live live;
    private int attemptNumber;
    private Ended ended;
    private Consumer<StreamEvents> terminal;
    private volatile boolean budgetCut;
    private Instant lastChunkAt;
    private int flushedUpTo;
    private int orphanings;
    private ToolLoop tools = ToolLoop.OFF;
    private StreamSmoothing smoothing;
    private final List<ToolCall> stepCalls = new ArrayList<>();
    private int stepStart;
    private int toolStep;

    private volatile StreamHandle handle;
    private volatile boolean cancelRequested;
    private volatile boolean waitingToRetry;

    StreamRun(ClientId client, Caller caller, Optional<Usd> budgetCeiling, Optional<String> requestId,
              DisconnectPolicy onDisconnect, Live pending, FallbackChain chain, CompletionRequest request,
              StreamEvents events, StreamDependencies deps) {
        this.client = client;
        this.caller = caller;
        this.day = LocalDate.ofInstant(pending.startedAt(), ZoneOffset.UTC);
        this.budgetCeiling = budgetCeiling;
        this.requestId = requestId;
        this.onDisconnect = onDisconnect;
        this.live = pending;
        this.chain = chain;
        this.conversation = request.conversation();
        this.request = request;
        this.deps = deps;
        subscribers.add(client, events);
    }

    ClientId client() {
        return client;
    }

    SessionId sessionId() {
        return live.id();
    }

    /** Whether a resume by this caller may see the stream: the same API key, or no keys at all. */
    boolean belongsTo(Caller other) {
        return caller.apiKey().equals(other.apiKey());
    }

    /** Whether the client started or resumed this stream (and so may cancel it). */
    boolean isWatchedBy(ClientId other) {
        return client.equals(other) || subscribers.includes(other);
    }

    /**
     * Calls the provider, then runs {@code announce} (the stream's {@code stream_start}), both under the
     * stream's lock: the request is on its way while the announcement is written, and no chunk can be
     * relayed before it, since the provider's callbacks come on other threads and take this lock.
     */
    synchronized void begin(Runnable announce) {
        launch(request, announce);
    }

    /** Gives the stream its tool loop (before {@link #begin}); without one it offers no tools. */
    StreamRun withTools(ToolLoop loop) {
        this.tools = loop;
        return this;
    }

    /** Smooths the stream's text (before {@link #begin}); without it deltas go out as they come. */
    StreamRun withSmoothing(Smoothing settings) {
        this.smoothing = new StreamSmoothing(settings, deps.smoothing().maxHeldChars(), deps.scheduler(), deps.clock(), this);
        return this;
    }

    /** Stops the stream; the provider ends it as cancelled and the listeners are told. */
    void cancel() {
        cancelRequested = true;
        tools.cancel();
        StreamHandle current = handle;
        if (current != null) {
            current.cancel();
        }
        if (waitingToRetry) {
            synchronized (this) {
                if (waitingToRetry && ended == null) {
                    waitingToRetry = false;
                    finish(live.cancel(deps.clock().instant()), Optional.empty());
                }
            }
        }
    }

    /**
     * Cuts the stream because a budget it shares (a band's) is spent: it ends with finish reason
     * {@code budget}, as when it reaches its own ceiling.
     */
    void cutForBudget() {
        budgetCut = true;
        cancel();
    }

    /**
     * A client's connection is gone: it hears nothing more of this stream. The stream's own client
     * with {@code onDisconnect: cancel} stops it at once; otherwise, once nobody is listening, it runs
     * on for the grace and is cancelled then unless a resume subscribed meanwhile.
     */
    synchronized void clientGone(ClientId gone) {
        subscribers.removeAllOf(gone);
        if (ended != null) {
            return;
        }
        if (gone.equals(client) && onDisconnect == DisconnectPolicy.CANCEL) {
            meter.nobodyListening();
            cancel();
        } else if (subscribers.isEmpty()) {
            meter.nobodyListening();
            int orphaning = ++orphanings;
            deps.scheduler().schedule(deps.resume().grace(), () -> cancelIfStillOrphaned(orphaning));
        }
    }

    private synchronized void cancelIfStillOrphaned(int orphaning) {
        if (ended == null && orphaning == orphanings && subscribers.isEmpty()) {
            log.info("stream {}: nobody resumed it within {}; cancelling", live.id(), deps.resume().grace());
            cancel();
        }
    }

    /**
     * Subscribes a resumer and reads the log from {@code fromIndex} in one step under the stream's
     * lock, so every chunk is either in the replay or reaches the tail. A connection that already
     * listens (it started the stream or resumed it before) gets the new subscription instead of its
     * old one, so it never receives an index twice. A stream that has ended hands
     * over its replay and terminal event instead.
     */
    synchronized Replay resume(ClientId resumer, int fromIndex, StreamEvents events) {
        if (fromIndex > answer.chunks()) {
            return new Replay.BeyondHead(answer.chunks());
        }
        Instant now = deps.clock().instant();
        TokenCount tokens = ended != null ? ended.metering().usage().output()
                : live instanceof Streaming streaming ? streaming.tokensUsed() : TokenCount.ZERO;
        Usd cost = ended != null ? ended.metering().cost()
                : live instanceof Streaming streaming ? streaming.estimatedCost() : live.attempt().estimatedCost();
        var chunks = new ArrayList<StreamChunk>(answer.chunks() - fromIndex);
        for (int i = fromIndex; i < answer.chunks(); i++) {
            chunks.add(new StreamChunk(live.id(), i, answer.chunk(i), answer.modelOf(i), tokens, cost, now));
        }
        var tail = new LiveTail(events, answer.chunks() - 1);
        if (ended != null) {
            terminal.accept(tail);
        } else {
            // a resume on a connection that already listens replaces its subscription: one per connection
            subscribers.removeAllOf(resumer);
            subscribers.add(resumer, tail);
            meter.resumed();
            orphanings++;
        }
        return new Replay.From(chunks, tail);
    }

    private void launch(CompletionRequest attemptRequest) {
        launch(attemptRequest, () -> {
        });
    }

    /** Starts an attempt; {@code beforeAnyEvent} runs once the provider is called, before anything is told. */
    private void launch(CompletionRequest attemptRequest, Runnable beforeAnyEvent) {
        int number = ++attemptNumber;
        var listener = new AttemptListener(number);
        ModelRoute route = live.attempt().route();
        LlmProvider provider = deps.providers().get(route.provider());
        StreamHandle started;
        try {
            started = provider.stream(attemptRequest, smoothing == null ? listener : smoothing.wrap(listener));
        } catch (RuntimeException e) {
            log.error("provider {} refused to start stream {}", route.provider(), live.id(), e);
            beforeAnyEvent.run();
            onEnd(number, new StreamOutcome.Failed(ProviderFailure.of(FailureKind.INTERNAL, "the provider could not start")));
            return;
        }
        beforeAnyEvent.run();
        handle = started;
        if (cancelRequested) {
            started.cancel();
        }
    }

    private synchronized void onDelta(int attempt, TextDelta delta) {
        if (ended != null || cancelRequested || attempt != attemptNumber) {
            return;
        }
        Instant now = deps.clock().instant();
        ModelId model = live.attempt().route().model();
        Streaming streaming = live.append(delta.text(), deps.tokenizer().count(model, delta.text()), now);
        live = streaming;
        int index = answer.append(delta.text(), model);
        if (lastChunkAt == null) {
            deps.metrics().firstToken(streaming.role(), model, Duration.between(streaming.startedAt(), now));
        }
        deps.metrics().chunk(model, lastChunkAt == null ? Duration.ZERO : Duration.between(lastChunkAt, now));
        lastChunkAt = now;
        TokenCount produced = streaming.tokensUsed();
        meter.chunk(now, delta.text(), produced.value(), !subscribers.isEmpty());
        Usd cost = streaming.estimatedCost();
        subscribers.chunk(new StreamChunk(streaming.id(), index, delta.text(), model, produced, cost, now));
        if (answer.chunks() - flushedUpTo >= deps.resume().flushChunks()) {
            unflushed().ifPresent(batch -> deps.chunkLog().append(List.of(batch)));
        }
        if (BudgetPolicy.ceilingReached(cost, budgetCeiling)) {
            log.info("stream {} reached its budget of {}; cutting it", streaming.id(), budgetCeiling.orElseThrow());
            budgetCut = true;
            cancel();
        }
    }

    /** The chunks not yet handed to the chunk log, as one batch; they count as handed over. */
    synchronized Optional<ChunkBatch> unflushed() {
        int head = answer.chunks();
        if (flushedUpTo == head) {
            return Optional.empty();
        }
        var texts = new ArrayList<String>(head - flushedUpTo);
        var models = new ArrayList<ModelId>(head - flushedUpTo);
        for (int i = flushedUpTo; i < head; i++) {
            texts.add(answer.chunk(i));
            models.add(answer.modelOf(i));
        }
        var batch = new ChunkBatch(live.id(), flushedUpTo, texts, models);
        flushedUpTo = head;
        return Optional.of(batch);
    }

    /** Where the stream stands, for the periodic progress record. */
    synchronized Optional<SessionProgress> snapshot(Instant now) {
        if (ended != null) {
            return Optional.empty();
        }
        Optional<Instant> firstToken = live instanceof Streaming streaming ? Optional.of(streaming.firstTokenAt())
                : Optional.empty();
        TokenCount output = live instanceof Streaming streaming ? streaming.tokensUsed() : TokenCount.ZERO;
        Usd cost = live instanceof Streaming streaming ? streaming.estimatedCost() : live.attempt().estimatedCost();
        return Optional.of(new SessionProgress(live.id(), live.attempt().route(), attemptNumber, live.chunks(),
                answer.text(), live.attempt().inputEstimate(), output, cost, firstToken, now));
    }

    private synchronized void onToolCall(int attempt, ToolCall call) {
        if (ended != null || attempt != attemptNumber) {
            return;
        }
        stepCalls.add(call);
    }

    private synchronized void onUsage(int attempt, ReportedUsage usage) {
        if (ended != null || attempt != attemptNumber) {
            return;
        }
        live = live.report(usage);
    }

    private synchronized void onEnd(int attempt, StreamOutcome outcome) {
        if (ended != null || attempt != attemptNumber) {
            return;
        }
        Instant now = deps.clock().instant();
        ProviderEnd end = switch (outcome) {
            case StreamOutcome.Completed completed -> new ProviderEnd.Finished(completed.reason());
            case StreamOutcome.Cancelled cancelled -> new ProviderEnd.Stopped();
            case StreamOutcome.Failed failed -> new ProviderEnd.Broke(failed.failure().kind());
        };
        switch (SessionTransition.after(end, budgetCut, cancelRequested)) {
            case SessionTransition.Complete complete when complete.reason() == FinishReason.TOOL_CALLS
                    && tools.active() && !stepCalls.isEmpty() && !budgetCut && !cancelRequested -> toolStep(now);
            case SessionTransition.Complete complete -> finish(live.complete(complete.reason(), now), Optional.empty());
            case SessionTransition.Cancel cancel -> finish(live.cancel(now), Optional.empty());
            case SessionTransition.FallBackOrFail fallBack ->
                    fallBackOrFail(((StreamOutcome.Failed) outcome).failure(), now);
        }
    }

    private void fallBackOrFail(ProviderFailure failure, Instant now) {
        ModelRoute from = live.attempt().route();
        failures.add(new AttemptFailure(from, failure.kind(), failure.retryAfter()));
        deps.metrics().providerFailed(from.model(), failure.kind());
        String reason = failure.describe();
        switch (deps.fallback().next(chain, failures)) {
            case NextStep.GiveUp giveUp -> {
                Failed failed = live.fail(failure.kind(), reason, now);
                finish(failed, Optional.of(giveUp.everyModelFailed(failed.attempts().size())
                        ? ErrorCode.ALL_PROVIDERS_FAILED : ErrorCodes.forFailure(failure.kind())));
            }
            case NextStep.TryModel next -> {
                stepCalls.clear();
                List<ChatTurn> turns = Continuation.of(conversation, answer.textFrom(stepStart));
                Attempt attempt = Attempt.start(next.route(), deps.prices().priceOf(next.route().model()),
                        PromptTokens.estimate(deps.tokenizer(), next.route().model(), turns));
                live = live.fallBackTo(attempt, new AttemptEnd.Failed(failure.kind(), reason));
                log.info("stream {}: {} failed ({}), falling back to {}", live.id(), from.model(), reason, next.route().model());
                subscribers.fellBack(new StreamFellBack(live.id(), from.model(), next.route().model(), reason, live.chunks(), now));
                deps.metrics().fellBack(from.model(), next.route().model(), failure.kind());
                CompletionRequest retry = request.with(next.route().model(), turns);
                if (next.after().isZero()) {
                    launch(retry);
                } else {
                    waitingToRetry = true;
                    int waitingFor = attemptNumber;
                    deps.scheduler().schedule(next.after(), () -> retryAfterWait(waitingFor, retry));
                }
            }
        }
    }

    /** The model asked for tools: run them (or stop at the step limit), then ask it again. */
    private void toolStep(Instant now) {
        switch (tools.next()) {
            case ToolLoopPolicy.NextStep.StepLimit limit -> {
                log.info("stream {} reached its limit of {} model steps", live.id(), tools.steps());
                finish(live.complete(FinishReason.TOOL_STEPS, now), Optional.empty());
            }
            case ToolLoopPolicy.NextStep.RunTools run -> {
                List<ToolCall> calls = List.copyOf(stepCalls);
                stepCalls.clear();
                String stepText = answer.textFrom(stepStart);
                int step = ++toolStep;
                for (ToolCall call : calls) {
                    subscribers.toolCalled(new StreamToolCall(live.id(), call.id(), tools.serverOf(call.name()),
                            call.name(), call.argumentsJson(), answer.chunks(), now));
                }
                tools.run(calls, deps.clock(), this, new ToolLoop.Step() {
                    @Override
                    public void answered(ToolUse use, String server, ToolOutcome outcome, ToolResultCap.Capped shown,
                                         Duration took) {
                        if (ended == null && step == toolStep) {
                            boolean ok = outcome instanceof ToolOutcome.Answered answered && !answered.error();
                            subscribers.toolAnswered(new StreamToolResult(live.id(), use.id(), ok, shown.content(),
                                    shown.truncated(), took, answer.chunks(), deps.clock().instant()));
                        }
                    }

                    @Override
                    public void allAnswered(List<ToolUse> uses, List<ToolReply> replies) {
                        if (ended == null && step == toolStep) {
                            nextStep(stepText, uses, replies);
                        }
                    }
                });
            }
        }
    }

    /** Every call of a tool step has ended: ask the model again, if the stream still runs and it fits the budget. */
    private void nextStep(String stepText, List<ToolUse> uses, List<ToolReply> replies) {
        Instant now = deps.clock().instant();
        if (cancelRequested) {
            finish(live.cancel(now), Optional.empty());
            return;
        }
        var turns = new ArrayList<ChatTurn>(conversation);
        turns.add(ChatTurn.callingTools(stepText, uses));
        turns.add(ChatTurn.replying(replies));
        conversation = List.copyOf(turns);
        if (!tools.limits().isEmpty()) {
            Usd worstCase = StepBudget.worstCase(deps, chain, conversation, request.maxOutputTokens());
            BudgetDecision decision;
            try {
                decision = deps.ledger().extend(new Reservation(live.id(), caller.apiKey(), day, worstCase,
                        tools.limits()));
            } catch (StoreUnavailable e) {
                log.error("cannot extend the budget of stream {}: {}", live.id(), e.getMessage());
                decision = new BudgetDecision.Refused(BudgetScope.GLOBAL, worstCase, Usd.ZERO);
            }
            if (decision instanceof BudgetDecision.Refused) {
                log.info("stream {}: its next tool step does not fit the budget; ending it", live.id());
                finish(live.complete(FinishReason.BUDGET, now), Optional.empty());
                return;
            }
            budgetCeiling = budgetCeiling.map(ceiling -> ceiling.plus(worstCase)).or(() -> Optional.of(worstCase));
        }
        ModelRoute route = live.attempt().route();
        live = live.nextStep(Attempt.start(route, deps.prices().priceOf(route.model()),
                PromptTokens.estimate(deps.tokenizer(), route.model(), conversation)));
        stepStart = answer.chunks();
        tools.stepStarted();
        launch(request.with(route.model(), conversation));
    }

    private synchronized void retryAfterWait(int expectedAttempt, CompletionRequest retry) {
        if (ended != null || !waitingToRetry || attemptNumber != expectedAttempt) {
            return;
        }
        waitingToRetry = false;
        launch(retry);
    }

    private void finish(Ended result, Optional<ErrorCode> errorCode) {
        ended = result;
        deps.active().ended(this);
        deps.scheduler().schedule(deps.resume().linger(),
                () -> deps.active().forgetOnceWritten(this, deps.sessions(), deps.chunkLog()));
        String text = answer.text();
        if (cancelRequested) {
            meter.nobodyListening();
        }
        Optional<StreamFailed> failure = switch (result) {
            case Failed failed -> Optional.of(new StreamFailed(Optional.of(failed.id()),
                    errorCode.orElse(ErrorCodes.forFailure(failed.kind())), failed.describe(), failed.attempts(),
                    requestId, failed.endedAt()));
            case Completed completed -> Optional.empty();
            case Cancelled cancelled -> Optional.empty();
        };
        unflushed().ifPresent(batch -> deps.chunkLog().append(List.of(batch)));
        record(result, text, failure);
        deps.metrics().ended(result.role(), result.lastRoute().model(), switch (result) {
            case Completed completed -> StreamMetrics.Outcome.COMPLETED;
            case Cancelled cancelled -> StreamMetrics.Outcome.CANCELLED;
            case Failed failed -> StreamMetrics.Outcome.FAILED;
        }, result.metering().usage(), result.metering().cost());
        terminal = switch (result) {
            case Completed completed -> {
                StreamCompleted event = completion(completed, completed.finishReason(), text);
                yield events -> events.completed(event);
            }
            case Cancelled cancelled -> {
                StreamCompleted event = completion(cancelled, FinishReason.CANCELLED, text);
                yield events -> events.completed(event);
            }
            case Failed failed -> {
                StreamFailed event = failure.orElseThrow();
                yield events -> events.failed(event);
            }
        };
        terminal.accept(subscribers);
        log.info("stream {} ended: {} model={} attempts={} chunks={} tokens={}/{} cost={} ({})", result.id(),
                result.getClass().getSimpleName().toLowerCase(Locale.ROOT), result.lastRoute().model(),
                result.attempts().size(), result.chunks(), result.metering().usage().input().value(),
                result.metering().usage().output().value(), result.metering().cost(), result.metering().source());
    }

    /**
     * Bills every attempt and stores the session. Both stores write in the background; should either
     * refuse anyway, the client still gets its answer and the fault is logged loudly.
     */
    private void record(Ended result, String text, Optional<StreamFailed> failure) {
        StreamQuality quality = meter.quality(result);
        if (quality.wasteTokens() > 0) {
            deps.metrics().wasted(result.role(), result.lastRoute().model(), quality.wasteTokens());
        }
        var entries = new ArrayList<LedgerEntry>(result.attempts().size());
        for (int i = 0; i < result.attempts().size(); i++) {
            AttemptResult attempt = result.attempts().get(i);
            entries.add(new LedgerEntry(i + 1, attempt.route(), attempt.metering(), result.endedAt()));
        }
        try {
            deps.ledger().settle(new Settlement(result.id(), caller.apiKey(), day, entries));
        } catch (StoreUnavailable e) {
            log.error("could not bill stream {} ({}): {}", result.id(), result.metering().cost(), e.getMessage());
        }
        try {
            deps.sessions().closed(new SessionClosed(result, text, failure.map(StreamFailed::code),
                    failure.map(StreamFailed::message), quality, tools.records()));
        } catch (StoreUnavailable e) {
            log.error("could not record the end of stream {}: {}", result.id(), e.getMessage());
        }
    }

    private StreamCompleted completion(Ended ended, FinishReason reason, String text) {
        return new StreamCompleted(ended.id(), text, ended.metering().usage(), ended.metering().cost(),
                ended.metering().source(), ended.latency(), ended.timeToFirstToken(), ended.lastRoute().model(),
                reason, ended.fellBack(), ended.attempts(), requestId, ended.endedAt(), tools.calls());
    }

    /** Routes one attempt's callbacks to the run, tagged with the attempt they belong to. */
    private final class AttemptListener implements CompletionListener {

        private final int attempt;

        AttemptListener(int attempt) {
            this.attempt = attempt;
        }

        @Override
        public void onDelta(TextDelta delta) {
            StreamRun.this.onDelta(attempt, delta);
        }

        @Override
        public void onUsage(ReportedUsage usage) {
            StreamRun.this.onUsage(attempt, usage);
        }

        @Override
        public void onToolCall(ToolCall call) {
            StreamRun.this.onToolCall(attempt, call);
        }

        @Override
        public void onEnd(StreamOutcome outcome) {
            StreamRun.this.onEnd(attempt, outcome);
        }
    }
}
