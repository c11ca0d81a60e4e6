package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vctt.stream.application.port.in.BandCancelOutcome;
import dev.vctt.stream.application.port.in.BandCompleted;
import dev.vctt.stream.application.port.in.BandEvents;
import dev.vctt.stream.application.port.in.BandMember;
import dev.vctt.stream.application.port.in.BandOutcome;
import dev.vctt.stream.application.port.in.BandStarted;
import dev.vctt.stream.application.port.in.CancelBandCommand;
import dev.vctt.stream.application.port.in.StartBandCommand;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.in.CancelOutcome;
import dev.vctt.stream.application.port.in.CancelStreamCommand;
import dev.vctt.stream.application.port.in.ResumeOutcome;
import dev.vctt.stream.application.port.in.ResumeStreamCommand;
import dev.vctt.stream.application.port.in.StartOutcome;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection, whatever its protocol: it turns the client's commands into use-case calls
 * and the use cases' events into frames in the connection's {@link Outbox}. Both protocols are thin
 * codecs over this class.
 *
 * <p>Starting a stream runs on a virtual thread, never on the server's I/O threads, because a use
 * case may wait (for a budget reservation in the database, say). Events arrive on provider threads
 * and only enqueue frames.
 */
public final class ClientConnection implements StreamEvents {

    private static final Logger log = LoggerFactory.getLogger(ClientConnection.class);

    private final ClientId id;
    private final Caller caller;
    private final FrameCodec codec;
    private final StreamingUseCases useCases;
    private final Executor work;
    private final InstantSource clock;
    private final Duration replayPatience;

    private final Map<SessionId, Instant> awaitingFirstChunk = new ConcurrentHashMap<>();
    /** Streams this connection is replaying now: a second resume of one of them would send its indexes twice. */
    private final java.util.Set<SessionId> resuming = ConcurrentHashMap.newKeySet();
    /** Starts and resumes in progress on the worker threads; see {@link ConnectionLimits#maxPending()}. */
    private final Semaphore pending;
    private final int maxPending;
    private Outbox outbox;
    private long replayHighWater;
    private volatile boolean closed;

    public ClientConnection(ClientId id, Caller caller, FrameCodec codec, StreamingUseCases useCases, Executor work,
                            InstantSource clock) {
        this(id, caller, codec, useCases, work, clock, ConnectionLimits.DEFAULT_MAX_PENDING);
    }

    public ClientConnection(ClientId id, Caller caller, FrameCodec codec, StreamingUseCases useCases, Executor work,
                            InstantSource clock, int maxPending) {
        this(id, caller, codec, useCases, work, clock, maxPending, ConnectionLimits.DEFAULT_REPLAY_PATIENCE);
    }

    public ClientConnection(ClientId id, Caller caller, FrameCodec codec, StreamingUseCases useCases, Executor work,
                            InstantSource clock, int maxPending, Duration replayPatience) {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1: " + maxPending);
        }
        if (replayPatience.isNegative() || replayPatience.isZero()) {
            throw new IllegalArgumentException("replayPatience must be positive: " + replayPatience);
        }
        this.replayPatience = replayPatience;
        this.maxPending = maxPending;
        this.pending = new Semaphore(maxPending);
        this.id = id;
        this.caller = caller;
        this.codec = codec;
        this.useCases = useCases;
        this.work = work;
        this.clock = clock;
    }

    /** Connects the outbox; separate from the constructor because the outbox's overflow action needs this. */
    public void attach(Outbox outbox) {
        this.outbox = outbox;
        this.replayHighWater = outbox.capacity() / 2;
    }

    /** The client is here: from now until it is gone, it may start streams. */
    public void open() {
        useCases.clients().connect(id);
    }

    public ClientId id() {
        return id;
    }

    public void receive(ClientCommand command) {
        receive(command, receipt -> {
        });
    }

    /**
     * Acts on a command and reports what became of it to {@code receipt} (for a stream request once
     * the use case has decided, on the worker thread; otherwise at once). Nothing is reported once
     * the connection is closed.
     */
    public void receive(ClientCommand command, Consumer<CommandReceipt> receipt) {
        if (closed) {
            return;
        }
        switch (command) {
            case ClientCommand.RequestStream request -> inProgress(Optional.empty(), request.requestId(), receipt,
                    () -> start(request).ifPresent(receipt));
            case ClientCommand.CancelStream cancel -> {
                if (useCases.cancel().cancel(new CancelStreamCommand(id, cancel.sessionId(), Optional.of(caller)))
                        instanceof CancelOutcome.NotFound) {
                    String message = "no running stream " + cancel.sessionId() + " on this connection";
                    sendError(Optional.of(cancel.sessionId().value()), ErrorCode.STREAM_NOT_FOUND, message,
                            Optional.empty());
                    receipt.accept(new CommandReceipt.Refused(ErrorCode.STREAM_NOT_FOUND, message));
                } else {
                    receipt.accept(new CommandReceipt.Accepted(cancel.sessionId()));
                }
            }
            case ClientCommand.ResumeStream resume -> inProgress(Optional.of(resume.sessionId().value()), Optional.empty(),
                    receipt, () -> receipt.accept(resume(resume)));
            case ClientCommand.RequestBand band -> {
                if (useCases.bands().isEmpty()) {
                    refuseUnknown("band_request", band.requestId(), receipt);
                } else {
                    inProgress(Optional.empty(), band.requestId(), receipt, () -> startBand(band).ifPresent(receipt));
                }
            }
            case ClientCommand.CancelBand cancel -> {
                if (useCases.bands().isEmpty()) {
                    refuseUnknown("band_cancel", Optional.empty(), receipt);
                } else {
                    receipt.accept(cancelBand(cancel));
                }
            }
            case ClientCommand.Unreadable unreadable -> {
                sendError(Optional.empty(), unreadable.code(), unreadable.message(), unreadable.requestId());
                receipt.accept(new CommandReceipt.Refused(unreadable.code(), unreadable.message()));
            }
        }
    }

    /**
     * Runs a start or resume on a worker thread if fewer than {@code maxPending} are in progress on
     * this connection; otherwise refuses it at once with {@code TOO_MANY_STREAMS}.
     */
    private void inProgress(Optional<String> sessionId, Optional<String> requestId, Consumer<CommandReceipt> receipt,
                            Runnable task) {
        if (!pending.tryAcquire()) {
            String message = "this connection has " + maxPending + " stream starts and resumes in progress already; "
                    + "send more once they are answered";
            sendError(sessionId, ErrorCode.TOO_MANY_STREAMS, message, requestId);
            receipt.accept(new CommandReceipt.Refused(ErrorCode.TOO_MANY_STREAMS, message));
            return;
        }
        try {
            work.execute(() -> {
                try {
                    task.run();
                } finally {
                    pending.release();
                }
            });
        } catch (RuntimeException e) {
            pending.release();
            throw e;
        }
    }

    /** What became of a stream request; empty when the client left before it could start (nobody to tell). */
    private Optional<CommandReceipt> start(ClientCommand.RequestStream request) {
        try {
            return switch (useCases.start().start(new StartStreamCommand(id, caller, request.draft(), request.requestId()),
                    this)) {
                case StartOutcome.Started started -> Optional.of(new CommandReceipt.Accepted(started.sessionId()));
                case StartOutcome.Refused refused -> Optional.of(new CommandReceipt.Refused(refused.code(), refused.message()));
                case StartOutcome.ClientGone gone -> Optional.empty();
            };
        } catch (RuntimeException e) {
            log.error("starting a stream failed on connection {}", id, e);
            String message = "the server could not start the stream";
            sendError(Optional.empty(), ErrorCode.INTERNAL_ERROR, message, request.requestId());
            return Optional.of(new CommandReceipt.Refused(ErrorCode.INTERNAL_ERROR, message));
        }
    }

    private void refuseUnknown(String event, Optional<String> requestId, Consumer<CommandReceipt> receipt) {
        String message = "unknown event '" + event + "': this server runs no bands";
        sendError(Optional.empty(), ErrorCode.UNKNOWN_EVENT, message, requestId);
        receipt.accept(new CommandReceipt.Refused(ErrorCode.UNKNOWN_EVENT, message));
    }

    /** What became of a band request; empty when the client left before it could start. */
    private Optional<CommandReceipt> startBand(ClientCommand.RequestBand request) {
        try {
            return switch (useCases.bands().orElseThrow().start().start(
                    new StartBandCommand(id, caller, request.draft(), request.requestId()), new BandChannel())) {
                case BandOutcome.Started started -> Optional.of(new CommandReceipt.BandAccepted(started.bandId()));
                case BandOutcome.Refused refused -> Optional.of(new CommandReceipt.Refused(refused.code(), refused.message()));
                case BandOutcome.ClientGone gone -> Optional.empty();
            };
        } catch (RuntimeException e) {
            log.error("starting a band failed on connection {}", id, e);
            String message = "the server could not start the band";
            sendError(Optional.empty(), ErrorCode.INTERNAL_ERROR, message, request.requestId());
            return Optional.of(new CommandReceipt.Refused(ErrorCode.INTERNAL_ERROR, message));
        }
    }

    private CommandReceipt cancelBand(ClientCommand.CancelBand cancel) {
        // with the caller, a band of its key running on another node sharing the database is reached too
        var command = new CancelBandCommand(id, cancel.bandId(), Optional.of(caller));
        if (useCases.bands().orElseThrow().cancel().cancel(command) instanceof BandCancelOutcome.NotFound) {
            String message = "no running band " + cancel.bandId() + " on this connection";
            send(SentEvent.OTHER, WireNames.STREAM_ERROR, out -> EventJson.bandError(out, cancel.bandId(), ErrorCode.STREAM_NOT_FOUND,
                    message, clock.instant()));
            return new CommandReceipt.Refused(ErrorCode.STREAM_NOT_FOUND, message);
        }
        return new CommandReceipt.BandAccepted(cancel.bandId());
    }

    private CommandReceipt resume(ClientCommand.ResumeStream resume) {
        if (!resuming.add(resume.sessionId())) {
            String message = "stream " + resume.sessionId() + " is being resumed on this connection already";
            sendError(Optional.of(resume.sessionId().value()), ErrorCode.VALIDATION_ERROR, message, Optional.empty());
            return new CommandReceipt.Refused(ErrorCode.VALIDATION_ERROR, message);
        }
        try {
            return switch (useCases.resume().resume(new ResumeStreamCommand(id, caller, resume.sessionId(),
                    resume.fromIndex()), this)) {
                case ResumeOutcome.Resumed resumed -> {
                    if (closed) {
                        // the client left while the resume ran: its new subscription must not keep the stream alive
                        useCases.clients().disconnect(id);
                    }
                    yield new CommandReceipt.Accepted(resumed.sessionId());
                }
                case ResumeOutcome.Refused refused -> {
                    sendError(Optional.of(resume.sessionId().value()), refused.code(), refused.message(), Optional.empty());
                    yield new CommandReceipt.Refused(refused.code(), refused.message());
                }
            };
        } catch (RuntimeException e) {
            log.error("resuming a stream failed on connection {}", id, e);
            String message = "the server could not resume the stream";
            sendError(Optional.of(resume.sessionId().value()), ErrorCode.INTERNAL_ERROR, message, Optional.empty());
            return new CommandReceipt.Refused(ErrorCode.INTERNAL_ERROR, message);
        } finally {
            resuming.remove(resume.sessionId());
        }
    }

    /** A refusal or a protocol error the connection itself detects. */
    public void sendError(Optional<String> sessionId, ErrorCode code, String message, Optional<String> requestId) {
        send(SentEvent.OTHER, WireNames.STREAM_ERROR, out -> EventJson.error(out, sessionId, code, message, requestId, clock.instant()));
    }

    /**
     * The client went away: drop what is still queued for it; its streams run on for the resume grace
     * (or stop now, if they asked to).
     */
    public void closed() {
        if (outbox != null) {
            outbox.close();
        }
        detach();
    }

    /**
     * The client left this conversation but its transport stays open (a Socket.IO namespace
     * DISCONNECT): send it nothing more, and treat its streams as those of a client gone. What is
     * already queued still goes.
     */
    public void detach() {
        if (closed) {
            return;
        }
        closed = true;
        useCases.clients().disconnect(id);
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Tells the client that streams still waiting for their first chunk are alive, so that neither
     * the page nor a proxy gives up on a long first-token wait. Called by the server's timer.
     */
    public void heartbeat(Instant now, Duration every) {
        awaitingFirstChunk.forEach((sessionId, since) -> {
            Duration waiting = Duration.between(since, now);
            if (waiting.compareTo(every) >= 0) {
                send(SentEvent.OTHER, WireNames.STREAM_HEARTBEAT, out -> EventJson.heartbeat(out, sessionId, waiting, now));
            }
        });
    }

    @Override
    public void started(StreamStarted event) {
        started(event, null);
    }

    private void started(StreamStarted event, Tag tag) {
        awaitingFirstChunk.put(event.sessionId(), event.at());
        send(new SentEvent.Started(event), WireNames.STREAM_START, out -> EventJson.started(tagged(out, tag), event));
    }

    @Override
    public void chunk(StreamChunk event) {
        chunk(event, null);
    }

    private void chunk(StreamChunk event, Tag tag) {
        if (event.index() == 0) {
            awaitingFirstChunk.remove(event.sessionId());
        }
        offer(WireNames.STREAM_CHUNK, () -> codec.sendChunk(outbox, new SentEvent.Chunk(event.sessionId(), event.index()),
                WireNames.STREAM_CHUNK, event.text(), text -> out -> EventJson.chunk(tagged(out, tag), withText(event, text))));
    }

    /** The chunk carrying the texts of the chunks merged into it (its own figures and index: the newest's). */
    private static StreamChunk withText(StreamChunk event, String text) {
        return text.equals(event.text()) ? event : new StreamChunk(event.sessionId(), event.index(), text, event.model(),
                event.tokensUsed(), event.estimatedCost(), event.at());
    }

    /**
     * A replayed chunk waits (on the resume's worker thread) until the outbox is at most half full,
     * so a long replay goes at the client's pace. A client that takes too little for the whole wait
     * is shed at once as a slow reader: offering the chunk anyway would let each later chunk wait the
     * patience again, holding a worker and the outbox for many patiences before the outbox overflows.
     */
    @Override
    public void replayed(StreamChunk event) {
        if (closed) {
            return;
        }
        if (!outbox.awaitPendingAtMost(replayHighWater, replayPatience)) {
            outbox.giveUp(Outbox.GiveUp.SLOW_CONSUMER);
            return;
        }
        chunk(event);
    }

    @Override
    public void completed(StreamCompleted event) {
        completed(event, null);
    }

    private void completed(StreamCompleted event, Tag tag) {
        awaitingFirstChunk.remove(event.sessionId());
        send(new SentEvent.Ended(event.sessionId()), WireNames.STREAM_COMPLETE, out -> EventJson.completed(tagged(out, tag), event));
    }

    @Override
    public void failed(StreamFailed event) {
        failed(event, null);
    }

    private void failed(StreamFailed event, Tag tag) {
        event.sessionId().ifPresent(awaitingFirstChunk::remove);
        send(event.sessionId().<SentEvent>map(SentEvent.Ended::new).orElse(SentEvent.OTHER),
                WireNames.STREAM_ERROR, out -> EventJson.failed(tagged(out, tag), event));
    }

    @Override
    public void fellBack(StreamFellBack event) {
        fellBack(event, null);
    }

    private void fellBack(StreamFellBack event, Tag tag) {
        send(SentEvent.OTHER, WireNames.STREAM_FALLBACK, out -> EventJson.fellBack(tagged(out, tag), event));
    }

    /** Which band and role a member's events are tagged with; {@code null} for a stream of its own. */
    private record Tag(String bandId, String agentRole) {
    }

    private static JsonGenerator tagged(JsonGenerator out, Tag tag) {
        return tag == null ? out : new BandTagging(out, tag.bandId(), tag.agentRole());
    }

    /** Tells the client about one band: its own events, and each member's ordinary ones, tagged. */
    private final class BandChannel implements BandEvents {

        @Override
        public void started(BandStarted event) {
            send(SentEvent.OTHER, WireNames.BAND_START, out -> EventJson.bandStarted(out, event));
        }

        @Override
        public StreamEvents member(BandStarted band, BandMember member) {
            return new MemberChannel(new Tag(band.bandId().value(), member.role().wireName()));
        }

        @Override
        public void completed(BandCompleted event) {
            send(SentEvent.OTHER, WireNames.BAND_COMPLETE, out -> EventJson.bandCompleted(out, event));
        }

        @Override
        public void refused(StreamFailed event) {
            ClientConnection.this.failed(event);
        }
    }

    /** One band member's events: the connection's own, with the band's tag. */
    private final class MemberChannel implements StreamEvents {

        private final Tag tag;

        MemberChannel(Tag tag) {
            this.tag = tag;
        }

        @Override
        public void started(StreamStarted event) {
            ClientConnection.this.started(event, tag);
        }

        @Override
        public void chunk(StreamChunk event) {
            ClientConnection.this.chunk(event, tag);
        }

        @Override
        public void replayed(StreamChunk event) {
            ClientConnection.this.replayed(event);
        }

        @Override
        public void completed(StreamCompleted event) {
            ClientConnection.this.completed(event, tag);
        }

        @Override
        public void failed(StreamFailed event) {
            ClientConnection.this.failed(event, tag);
        }

        @Override
        public void fellBack(StreamFellBack event) {
            ClientConnection.this.fellBack(event, tag);
        }

        @Override
        public void resynced(StreamResync event) {
            ClientConnection.this.resynced(event);
        }
    }

    @Override
    public void toolCalled(StreamToolCall event) {
        send(SentEvent.OTHER, WireNames.STREAM_TOOL_CALL, out -> EventJson.toolCalled(out, event));
    }

    @Override
    public void toolAnswered(StreamToolResult event) {
        send(SentEvent.OTHER, WireNames.STREAM_TOOL_RESULT, out -> EventJson.toolAnswered(out, event));
    }

    @Override
    public void resynced(StreamResync event) {
        send(SentEvent.OTHER, WireNames.STREAM_RESYNC, out -> EventJson.resynced(out, event));
    }

    private void send(SentEvent what, String event, FrameCodec.DataWriter data) {
        offer(event, () -> codec.send(outbox, what, event, data));
    }

    private void offer(String event, Runnable sending) {
        if (closed) {
            return;
        }
        try {
            sending.run();
        } catch (RuntimeException e) {
            // a frame that cannot be written must not leave the client waiting for it: close instead
            log.error("cannot write a {} frame on connection {}: {}", event, id, e.getClass().getName());
            outbox.giveUp(Outbox.GiveUp.SEND_FAILED);
        }
    }
}
