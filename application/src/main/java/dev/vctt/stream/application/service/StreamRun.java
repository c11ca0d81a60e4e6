package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.ClientId;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Ended;
import dev.vctt.stream.domain.session.Failed;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.Live;
import dev.vctt.stream.domain.session.SessionId;
import dev.vctt.stream.domain.session.Streaming;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running stream: it drives the session through its states as the provider reports, and tells
 * the client. Provider callbacks arrive one at a time per attempt; they are also serialised on this
 * object so that a late callback of a superseded attempt cannot interleave with the next one.
 * {@link #cancel()} takes no lock: it may be called from any thread at any time.
 */
final class StreamRun {

    private static final Logger log = LoggerFactory.getLogger(StreamRun.class);

    private final ClientId client;
    private final Optional<String> requestId;
    private final StreamEvents events;
    private final InstantSource clock;
    private final Map<ProviderId, LlmProvider> providers;
    private final ActiveStreams active;
    private final CompletionRequest request;

    private final StringBuilder text = new StringBuilder();
    private Live live;
    private int attemptNumber;
    private boolean ended;

    private volatile StreamHandle handle;
    private volatile boolean cancelRequested;

    StreamRun(ClientId client, Optional<String> requestId, Live pending, CompletionRequest request, StreamEvents events,
              InstantSource clock, Map<ProviderId, LlmProvider> providers, ActiveStreams active) {
        this.client = client;
        this.requestId = requestId;
        this.live = pending;
        this.request = request;
        this.events = events;
        this.clock = clock;
        this.providers = providers;
        this.active = active;
    }

    ClientId client() {
        return client;
    }

    SessionId sessionId() {
        return live.id();
    }

    synchronized void begin() {
        launch();
    }

    /** Stops the stream; the provider ends it as cancelled and the client is told. */
    void cancel() {
        cancelRequested = true;
        StreamHandle current = handle;
        if (current != null) {
            current.cancel();
        }
    }

    private void launch() {
        int number = ++attemptNumber;
        var listener = new AttemptListener(number);
        LlmProvider provider = providers.get(live.attempt().route().provider());
        StreamHandle started;
        try {
            started = provider.stream(request.withModel(live.attempt().route().model()), listener);
        } catch (RuntimeException e) {
            log.error("provider {} refused to start stream {}", live.attempt().route().provider(), live.id(), e);
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
        Instant now = clock.instant();
        Streaming streaming = live.append(delta.text(), now);
        live = streaming;
        text.append(delta.text());
        events.chunk(new StreamChunk(streaming.id(), streaming.lastIndex(), delta.text(),
                streaming.attempt().route().model(), streaming.tokensUsed(), streaming.estimatedCost(), now));
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
        Instant now = clock.instant();
        Ended result = switch (outcome) {
            case StreamOutcome.Completed completed -> live.complete(completed.reason(), now);
            case StreamOutcome.Cancelled cancelled -> live.cancel(now);
            case StreamOutcome.Failed failed when cancelRequested -> live.cancel(now);
            case StreamOutcome.Failed failed -> live.fail(failed.failure().kind(), failed.failure().describe(), now);
        };
        finish(result);
    }

    private void finish(Ended result) {
        ended = true;
        active.remove(this);
        String model = result.lastRoute().model().value();
        switch (result) {
            case Completed completed -> events.completed(completion(completed, completed.finishReason()));
            case Cancelled cancelled -> events.completed(completion(cancelled, FinishReason.CANCELLED));
            case Failed failed -> events.failed(new StreamFailed(Optional.of(failed.id()),
                    ErrorCodes.forFailure(failed.kind()), model + ": " + failed.detail(), requestId, failed.endedAt()));
        }
        log.info("stream {} ended: {} model={} chunks={} tokens={}/{} cost={} ({})", result.id(),
                result.getClass().getSimpleName().toLowerCase(Locale.ROOT), model, result.chunks(),
                result.metering().usage().input().value(), result.metering().usage().output().value(),
                result.metering().cost(), result.metering().source());
    }

    private StreamCompleted completion(Ended ended, FinishReason reason) {
        return new StreamCompleted(ended.id(), text.toString(), ended.metering().usage(), ended.metering().cost(),
                ended.metering().source(), ended.latency(), ended.timeToFirstToken(), ended.lastRoute().model(),
                reason, ended.fellBack(), requestId, ended.endedAt());
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
