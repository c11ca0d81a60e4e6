package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
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
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Continuation;
import dev.vctt.stream.domain.routing.AttemptFailure;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.NextStep;
import dev.vctt.stream.domain.session.Attempt;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Ended;
import dev.vctt.stream.domain.session.Failed;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.Live;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.session.Streaming;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running stream: it drives the session through its states as providers report, follows the
 * {@link dev.vctt.stream.domain.routing.FallbackRule} when a model fails, and tells the client.
 *
 * <p>Provider callbacks arrive one at a time per attempt; they are also serialised on this object,
 * and tagged with their attempt, so a late callback of a superseded attempt is ignored.
 * {@link #cancel()} takes the lock only while the stream waits to ask a model again.
 */
final class StreamRun {

    private static final Logger log = LoggerFactory.getLogger(StreamRun.class);

    private final ClientId client;
    private final Caller caller;
    private final LocalDate day;
    private final Optional<Usd> budgetCeiling;
    private final Optional<String> requestId;
    private final StreamEvents events;
    private final FallbackChain chain;
    private final List<ChatTurn> conversation;
    private final CompletionRequest request;
    private final StreamDependencies deps;

    private final StringBuilder text = new StringBuilder();
    private final List<AttemptFailure> failures = new ArrayList<>();
    private Live live;
    private int attemptNumber;
    private boolean ended;
    private boolean budgetCut;
    private Instant lastChunkAt;

    private volatile StreamHandle handle;
    private volatile boolean cancelRequested;
    private volatile boolean waitingToRetry;

    StreamRun(ClientId client, Caller caller, Optional<Usd> budgetCeiling, Optional<String> requestId, Live pending,
              FallbackChain chain, CompletionRequest request, StreamEvents events, StreamDependencies deps) {
        this.client = client;
        this.caller = caller;
        this.day = LocalDate.ofInstant(pending.startedAt(), ZoneOffset.UTC);
        this.budgetCeiling = budgetCeiling;
        this.requestId = requestId;
        this.live = pending;
        this.chain = chain;
        this.conversation = request.conversation();
        this.request = request;
        this.events = events;
        this.deps = deps;
    }

    ClientId client() {
        return client;
    }

    SessionId sessionId() {
        return live.id();
    }

    synchronized void begin() {
        launch(request);
    }

    /** Stops the stream; the provider ends it as cancelled and the client is told. */
    void cancel() {
        cancelRequested = true;
        StreamHandle current = handle;
        if (current != null) {
            current.cancel();
        }
        if (waitingToRetry) {
            synchronized (this) {
                if (waitingToRetry && !ended) {
                    waitingToRetry = false;
                    finish(live.cancel(deps.clock().instant()), Optional.empty());
                }
            }
        }
    }

    private void launch(CompletionRequest attemptRequest) {
        int number = ++attemptNumber;
        var listener = new AttemptListener(number);
        ModelRoute route = live.attempt().route();
        LlmProvider provider = deps.providers().get(route.provider());
        StreamHandle started;
        try {
            started = provider.stream(attemptRequest, listener);
        } catch (RuntimeException e) {
            log.error("provider {} refused to start stream {}", route.provider(), live.id(), e);
            onEnd(number, new StreamOutcome.Failed(ProviderFailure.of(FailureKind.INTERNAL, "the provider could not start")));
            return;
        }
        handle = started;
        if (cancelRequested) {
            started.cancel();
        }
    }

    private synchronized void onDelta(int attempt, TextDelta delta) {
        if (ended || cancelRequested || attempt != attemptNumber) {
            return;
        }
        Instant now = deps.clock().instant();
        Streaming streaming = live.append(delta.text(),
                deps.tokenizer().count(live.attempt().route().model(), delta.text()), now);
        live = streaming;
        text.append(delta.text());
        ModelId model = streaming.attempt().route().model();
        if (lastChunkAt == null) {
            deps.metrics().firstToken(streaming.role(), model, Duration.between(streaming.startedAt(), now));
        }
        deps.metrics().chunk(model, lastChunkAt == null ? Duration.ZERO : Duration.between(lastChunkAt, now));
        lastChunkAt = now;
        Usd cost = streaming.estimatedCost();
        events.chunk(new StreamChunk(streaming.id(), streaming.lastIndex(), delta.text(),
                streaming.attempt().route().model(), streaming.tokensUsed(), cost, now));
        if (budgetCeiling.isPresent() && cost.compareTo(budgetCeiling.get()) >= 0) {
            log.info("stream {} reached its budget of {}; cutting it", streaming.id(), budgetCeiling.get());
            budgetCut = true;
            cancel();
        }
    }

    /** Where the stream stands, for the periodic progress record. */
    synchronized Optional<SessionProgress> snapshot(Instant now) {
        if (ended) {
            return Optional.empty();
        }
        Optional<Instant> firstToken = live instanceof Streaming streaming ? Optional.of(streaming.firstTokenAt())
                : Optional.empty();
        TokenCount output = live instanceof Streaming streaming ? streaming.tokensUsed() : TokenCount.ZERO;
        Usd cost = live instanceof Streaming streaming ? streaming.estimatedCost() : live.attempt().estimatedCost();
        return Optional.of(new SessionProgress(live.id(), live.attempt().route(), attemptNumber, live.chunks(),
                text.toString(), live.attempt().inputEstimate(), output, cost, firstToken, now));
    }

    private synchronized void onUsage(int attempt, ReportedUsage usage) {
        if (ended || attempt != attemptNumber) {
            return;
        }
        live = live.report(usage);
    }

    private synchronized void onEnd(int attempt, StreamOutcome outcome) {
        if (ended || attempt != attemptNumber) {
            return;
        }
        Instant now = deps.clock().instant();
        switch (outcome) {
            case StreamOutcome.Completed completed -> finish(live.complete(completed.reason(), now), Optional.empty());
            case StreamOutcome.Cancelled cancelled when budgetCut ->
                    finish(live.complete(FinishReason.BUDGET, now), Optional.empty());
            case StreamOutcome.Failed failed when budgetCut ->
                    finish(live.complete(FinishReason.BUDGET, now), Optional.empty());
            case StreamOutcome.Cancelled cancelled -> finish(live.cancel(now), Optional.empty());
            case StreamOutcome.Failed failed when cancelRequested -> finish(live.cancel(now), Optional.empty());
            case StreamOutcome.Failed failed -> fallBackOrFail(failed.failure(), now);
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
                boolean exhausted = giveUp.reason() == NextStep.GiveUpReason.CHAIN_EXHAUSTED && failed.attempts().size() > 1;
                finish(failed, Optional.of(exhausted ? ErrorCode.ALL_PROVIDERS_FAILED : ErrorCodes.forFailure(failure.kind())));
            }
            case NextStep.TryModel next -> {
                List<ChatTurn> turns = Continuation.of(conversation, text.toString());
                Attempt attempt = Attempt.start(next.route(), deps.prices().priceOf(next.route().model()),
                        PromptTokens.estimate(deps.tokenizer(), next.route().model(), turns));
                live = live.fallBackTo(attempt, new AttemptEnd.Failed(failure.kind(), reason));
                log.info("stream {}: {} failed ({}), falling back to {}", live.id(), from.model(), reason, next.route().model());
                events.fellBack(new StreamFellBack(live.id(), from.model(), next.route().model(), reason, live.chunks(), now));
                deps.metrics().fellBack(from.model(), next.route().model(), failure.kind());
                CompletionRequest retry = new CompletionRequest(next.route().model(), turns, request.temperature(),
                        request.maxOutputTokens());
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

    private synchronized void retryAfterWait(int expectedAttempt, CompletionRequest retry) {
        if (ended || !waitingToRetry || attemptNumber != expectedAttempt) {
            return;
        }
        waitingToRetry = false;
        launch(retry);
    }

    private void finish(Ended result, Optional<ErrorCode> errorCode) {
        ended = true;
        deps.active().remove(this);
        String answer = text.toString();
        Optional<StreamFailed> failure = switch (result) {
            case Failed failed -> Optional.of(new StreamFailed(Optional.of(failed.id()),
                    errorCode.orElse(ErrorCodes.forFailure(failed.kind())), describe(failed), failed.attempts(),
                    requestId, failed.endedAt()));
            case Completed completed -> Optional.empty();
            case Cancelled cancelled -> Optional.empty();
        };
        record(result, answer, failure);
        deps.metrics().ended(result.role(), result.lastRoute().model(), switch (result) {
            case Completed completed -> StreamMetrics.Outcome.COMPLETED;
            case Cancelled cancelled -> StreamMetrics.Outcome.CANCELLED;
            case Failed failed -> StreamMetrics.Outcome.FAILED;
        }, result.metering().usage(), result.metering().cost());
        switch (result) {
            case Completed completed -> events.completed(completion(completed, completed.finishReason()));
            case Cancelled cancelled -> events.completed(completion(cancelled, FinishReason.CANCELLED));
            case Failed failed -> events.failed(failure.orElseThrow());
        }
        log.info("stream {} ended: {} model={} attempts={} chunks={} tokens={}/{} cost={} ({})", result.id(),
                result.getClass().getSimpleName().toLowerCase(Locale.ROOT), result.lastRoute().model(),
                result.attempts().size(), result.chunks(), result.metering().usage().input().value(),
                result.metering().usage().output().value(), result.metering().cost(), result.metering().source());
    }

    /**
     * Bills every attempt and stores the session. Both stores write in the background; should either
     * refuse anyway, the client still gets its answer and the fault is logged loudly.
     */
    private void record(Ended result, String answer, Optional<StreamFailed> failure) {
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
            deps.sessions().closed(new SessionClosed(result, answer, failure.map(StreamFailed::code),
                    failure.map(StreamFailed::message)));
        } catch (StoreUnavailable e) {
            log.error("could not record the end of stream {}: {}", result.id(), e.getMessage());
        }
    }

    /** One line naming every model tried and what it answered. */
    private static String describe(Failed failed) {
        if (failed.attempts().size() == 1) {
            return failed.lastRoute().model() + ": " + failed.detail();
        }
        return "every model failed: " + failed.attempts().stream().map(StreamRun::describe).collect(Collectors.joining("; "));
    }

    private static String describe(AttemptResult attempt) {
        String how = switch (attempt.end()) {
            case AttemptEnd.Failed failed -> failed.detail();
            case AttemptEnd.Finished finished -> "finished (" + finished.reason().wireName() + ")";
            case AttemptEnd.Cancelled cancelled -> "cancelled";
        };
        return attempt.route().model() + ": " + how;
    }

    private StreamCompleted completion(Ended ended, FinishReason reason) {
        return new StreamCompleted(ended.id(), text.toString(), ended.metering().usage(), ended.metering().cost(),
                ended.metering().source(), ended.latency(), ended.timeToFirstToken(), ended.lastRoute().model(),
                reason, ended.fellBack(), ended.attempts(), requestId, ended.endedAt());
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
        public void onEnd(StreamOutcome outcome) {
            StreamRun.this.onEnd(attempt, outcome);
        }
    }
}
