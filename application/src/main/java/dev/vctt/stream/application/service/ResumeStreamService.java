package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.ResumeStreamUseCase;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes a stream for any connection of the caller that started it. A stream in memory (running,
 * or just ended) is replayed from its log and then followed live; one that ended earlier is replayed
 * from the chunk log in the database with the terminal event rebuilt from the stored session, for
 * the retention period. Every refusal says only "not found", so ids of other callers stay secret.
 */
public final class ResumeStreamService implements ResumeStreamUseCase {

    private static final Logger log = LoggerFactory.getLogger(ResumeStreamService.class);

    private final ActiveStreams active;
    private final SessionQueries sessions;
    private final ChunkLog chunkLog;
    private final InstantSource clock;
    private final Duration retention;
    private final LiveKeys keys;
    private final Optional<RemoteTails> elsewhere;

    public ResumeStreamService(ActiveStreams active, SessionQueries sessions, ChunkLog chunkLog, InstantSource clock,
                               ResumeSettings settings, LiveKeys keys) {
        this(active, sessions, chunkLog, clock, settings, keys, Optional.empty());
    }

    /** @param elsewhere present when other nodes share the database: a stream not here may run there */
    public ResumeStreamService(ActiveStreams active, SessionQueries sessions, ChunkLog chunkLog, InstantSource clock,
                               ResumeSettings settings, LiveKeys keys, Optional<RemoteTails> elsewhere) {
        this.elsewhere = elsewhere;
        this.keys = keys;
        this.active = active;
        this.sessions = sessions;
        this.chunkLog = chunkLog;
        this.clock = clock;
        this.retention = settings.retention();
    }

    @Override
    public ResumeOutcome resume(ResumeStreamCommand command, StreamEvents events) {
        if (keys.revoked(command.caller())) {
            return new ResumeOutcome.Refused(ErrorCode.UNAUTHORIZED, "this API key has been revoked");
        }
        Optional<StreamRun> run = active.findForResume(command.sessionId()).filter(r -> r.belongsTo(command.caller()));
        if (run.isPresent()) {
            return fromMemory(run.get(), command, events);
        }
        try {
            Optional<ResumeOutcome> followed = elsewhere.flatMap(
                    remote -> remote.followIfRunningElsewhere(command, events, this::fromStore));
            if (followed.isPresent()) {
                return followed.get();
            }
            return fromStore(command, events);
        } catch (StoreUnavailable e) {
            log.error("cannot resume {} from the database: {}", command.sessionId(), e.getMessage());
            return new ResumeOutcome.Refused(ErrorCode.INTERNAL_ERROR, "streams cannot be resumed right now");
        }
    }

    private ResumeOutcome fromMemory(StreamRun run, ResumeStreamCommand command, StreamEvents events) {
        return switch (run.resume(command.client(), command.fromIndex(), events)) {
            case StreamRun.Replay.BeyondHead beyond -> beyondHead(command, beyond.head());
            case StreamRun.Replay.From replay -> {
                active.resumed(command.client(), run);
                try {
                    replay.chunks().forEach(events::replayed);
                } finally {
                    // a replay cut short (the client went away) must not leave the tail holding events back
                    replay.tail().goLive();
                }
                yield new ResumeOutcome.Resumed(command.sessionId());
            }
        };
    }

    private ResumeOutcome fromStore(ResumeStreamCommand command, StreamEvents events) {
        SessionId id = command.sessionId();
        Instant now = clock.instant();
        Optional<SessionView> found = sessions.find(id, command.caller())
                .filter(view -> view.endedAt().isPresent() && !view.endedAt().get().plus(retention).isBefore(now));
        if (found.isEmpty()) {
            return notFound(id);
        }
        SessionView view = found.get();
        List<LoggedChunk> log = contiguous(chunkLog.read(id, 0));
        int head = log.size();
        boolean interrupted = view.status().equals("interrupted");
        Optional<String> kept = finalAnswer(view).filter(answer -> !answer.equals(text(log, head)));
        if (kept.isPresent()) {
            return resyncToTheRecord(command, view, log, kept.get(), events, now);
        }
        if (command.fromIndex() > head && !interrupted) {
            return beyondHead(command, head);
        }
        StringBuilder fullText = new StringBuilder();
        log.forEach(chunk -> fullText.append(chunk.text()));
        if (command.fromIndex() > head) {
            events.resynced(new StreamResync(id, head, "", now));
        }
        for (int i = command.fromIndex(); i < head; i++) {
            LoggedChunk chunk = log.get(i);
            events.replayed(new StreamChunk(id, chunk.index(), chunk.text(), chunk.model(), view.usage().output(),
                    view.cost(), now));
        }
        if (view.status().equals("failed")) {
            events.failed(new StreamFailed(Optional.of(id), errorCode(view), view.errorMessage().orElse("the stream failed"),
                    List.of(), view.requestId(), view.endedAt().orElseThrow()));
        } else {
            events.completed(completion(view, fullText.toString(), log));
        }
        return new ResumeOutcome.Resumed(id);
    }

    /**
     * The chunk log lost part of an answer the session record keeps whole (a batch the database
     * refused, say): the client is told its text from the last chunk both agree on is the record's,
     * and the terminal event carries the record's answer. Never a silent hole.
     */
    private static ResumeOutcome resyncToTheRecord(ResumeStreamCommand command, SessionView view, List<LoggedChunk> log,
                                                   String answer, StreamEvents events, Instant now) {
        int from = Math.min(command.fromIndex(), log.size());
        String prefix = text(log, from);
        if (!answer.startsWith(prefix)) {
            from = 0;
            prefix = "";
        }
        events.resynced(new StreamResync(SessionId.of(view.id()), from, answer.substring(prefix.length()), now));
        events.completed(completion(view, answer, log));
        return new ResumeOutcome.Resumed(SessionId.of(view.id()));
    }

    /** The answer of a stream that ended whole (completed or cancelled), as its session record keeps it. */
    private static Optional<String> finalAnswer(SessionView view) {
        if (!view.status().equals("completed") && !view.status().equals("cancelled") || view.messages().isEmpty()) {
            return Optional.empty();
        }
        ChatTurn last = view.messages().getLast();
        return last.role() == ChatRole.ASSISTANT ? Optional.of(last.content()) : Optional.empty();
    }

    private static String text(List<LoggedChunk> log, int upTo) {
        var text = new StringBuilder();
        log.subList(0, upTo).forEach(chunk -> text.append(chunk.text()));
        return text.toString();
    }

    /** The chunks from index 0 up to the first gap: a resume never replays past a hole. */
    private static List<LoggedChunk> contiguous(List<LoggedChunk> chunks) {
        int n = 0;
        while (n < chunks.size() && chunks.get(n).index() == n) {
            n++;
        }
        return chunks.subList(0, n);
    }

    private static StreamCompleted completion(SessionView view, String fullText, List<LoggedChunk> log) {
        Instant endedAt = view.endedAt().orElseThrow();
        FinishReason reason = switch (view.status()) {
            case "interrupted" -> FinishReason.INTERRUPTED;
            case "cancelled" -> FinishReason.CANCELLED;
            default -> view.finishReason().flatMap(ResumeStreamService::finishReason).orElse(FinishReason.STOP);
        };
        ModelId model = !view.modelsTried().isEmpty() ? ModelId.of(view.modelsTried().getLast().model())
                : log.isEmpty() ? ModelId.of("unknown") : log.getLast().model();
        return new StreamCompleted(SessionId.of(view.id()), fullText,
                view.usage(), view.cost(), view.usageEstimated() ? UsageSource.ESTIMATED : UsageSource.REPORTED,
                Duration.between(view.startedAt(), endedAt),
                view.firstTokenAt().map(first -> Duration.between(view.startedAt(), first)), model, reason,
                view.modelsTried().size() > 1, List.of(), view.requestId(), endedAt);
    }

    private static Optional<FinishReason> finishReason(String wireName) {
        return Arrays.stream(FinishReason.values()).filter(r -> r.wireName().equals(wireName)).findFirst();
    }

    private static ErrorCode errorCode(SessionView view) {
        return view.errorCode().flatMap(name -> Arrays.stream(ErrorCode.values()).filter(c -> c.name().equals(name))
                .findFirst()).orElse(ErrorCode.INTERNAL_ERROR);
    }

    private static ResumeOutcome notFound(SessionId id) {
        return new ResumeOutcome.Refused(ErrorCode.STREAM_NOT_FOUND, "no stream " + id + " to resume");
    }

    private static ResumeOutcome beyondHead(ResumeStreamCommand command, int head) {
        return new ResumeOutcome.Refused(ErrorCode.VALIDATION_ERROR, "fromIndex: " + command.fromIndex()
                + " is beyond the " + head + " chunk(s) of stream " + command.sessionId());
    }
}
