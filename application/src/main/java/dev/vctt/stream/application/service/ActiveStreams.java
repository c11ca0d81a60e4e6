package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The clients that are here and the streams running now, by session and by client, with the
 * per-client limit; the clients that resumed them; and, for a short while, the streams that just
 * ended (so a resume racing the end, or the database's writing of it, is served from memory). Shared
 * by the start, cancel, connect, resume and count services.
 *
 * <p>A stream is registered only for a client that is here, and a client's leaving and a stream's
 * registration are atomic with respect to each other (both are one operation on the client's
 * entry): a stream registered before the client left is among those {@link #leave} returns, and one
 * that comes after is refused. So no stream outlives its client's grace because of when the
 * client's close arrived.
 */
public final class ActiveStreams {

    /** Whether a stream was registered. */
    enum Admission { ADDED, CLIENT_FULL, CLIENT_GONE }

    private final int maxPerClient;
    private final Map<SessionId, StreamRun> bySession = new ConcurrentHashMap<>();
    /** Clients that are here, each with its running streams. */
    private final Map<ClientId, Map<SessionId, StreamRun>> byClient = new ConcurrentHashMap<>();
    private final Map<ClientId, Map<SessionId, StreamRun>> resumedBy = new ConcurrentHashMap<>();
    private final EndedStreams recentlyEnded;

    public ActiveStreams(int maxPerClient) {
        this(maxPerClient, ResumeSettings.DEFAULT_MAX_ENDED);
    }

    /** @param maxEnded at most this many ended streams stay in memory for resumes (see {@link EndedStreams}) */
    public ActiveStreams(int maxPerClient, int maxEnded) {
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("maxPerClient must be at least 1: " + maxPerClient);
        }
        this.maxPerClient = maxPerClient;
        this.recentlyEnded = new EndedStreams(maxEnded);
    }

    public int maxPerClient() {
        return maxPerClient;
    }

    void join(ClientId client) {
        byClient.putIfAbsent(client, new ConcurrentHashMap<>());
    }


    boolean isHere(ClientId client) {
        return byClient.containsKey(client);
    }

    /** Registers the run if its client is here and has fewer than the maximum number of streams. */
    Admission tryAdd(StreamRun run) {
        Admission[] admission = {Admission.CLIENT_GONE};
        byClient.computeIfPresent(run.client(), (client, runs) -> {
            if (runs.size() < maxPerClient) {
                runs.put(run.sessionId(), run);
                bySession.put(run.sessionId(), run);
                admission[0] = Admission.ADDED;
            } else {
                admission[0] = Admission.CLIENT_FULL;
            }
            return runs;
        });
        return admission[0];
    }

    /** The run ended: it no longer counts, but a resume still finds it until {@link #forget}. */
    void ended(StreamRun run) {
        recentlyEnded.add(run);
        remove(run);
    }

    /** The run never started. */
    void remove(StreamRun run) {
        bySession.remove(run.sessionId(), run);
        byClient.computeIfPresent(run.client(), (client, runs) -> {
            runs.remove(run.sessionId(), run);
            return runs;
        });
        resumedBy.values().forEach(runs -> runs.remove(run.sessionId()));
    }

    /** An ended run leaves memory; a resume now reads the store. */
    void forget(StreamRun run) {
        recentlyEnded.forget(run);
    }

    /**
     * An ended run leaves memory once the journal and the chunk log have written what they accepted
     * until now, its close and last chunks among them; at once when they have. Called when the linger
     * time has passed, after the run handed its last records over.
     */
    void forgetOnceWritten(StreamRun run, SessionJournal sessions, ChunkLog chunkLog) {
        var waiting = new AtomicInteger(2);
        Runnable written = () -> {
            if (waiting.decrementAndGet() == 0) {
                forget(run);
            }
        };
        sessions.whenWritten(written);
        chunkLog.whenWritten(written);
    }

    /** How many ended streams memory holds for resumes. */
    int endedHeld() {
        return recentlyEnded.size();
    }

    /** A stream the client started or resumed. */
    Optional<StreamRun> find(ClientId client, SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).filter(run -> run.isWatchedBy(client));
    }

    /** A stream running here, whoever it belongs to (for a cancel another node was asked for). */
    Optional<StreamRun> running(SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId));
    }

    /** A running or just-ended stream, whoever it belongs to (the caller checks). */
    Optional<StreamRun> findForResume(SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).or(() -> recentlyEnded.find(sessionId));
    }

    void resumed(ClientId client, StreamRun run) {
        resumedBy.computeIfAbsent(client, c -> new ConcurrentHashMap<>()).put(run.sessionId(), run);
    }

    /**
     * The client is gone: it registers nothing more, and is forgotten as a resumer. Returns the runs
     * it started or resumed, which still run until the caller decides their fate.
     */
    List<StreamRun> leave(ClientId client) {
        Map<SessionId, StreamRun> started = byClient.remove(client);
        var runs = new ArrayList<StreamRun>(started == null ? List.of() : started.values());
        Map<SessionId, StreamRun> resumed = resumedBy.remove(client);
        if (resumed != null) {
            runs.addAll(resumed.values());
        }
        return runs;
    }

    List<StreamRun> all() {
        return List.copyOf(bySession.values());
    }

    int count() {
        return bySession.size();
    }

    int countOf(ClientId client) {
        Map<SessionId, StreamRun> runs = byClient.get(client);
        return runs == null ? 0 : runs.size();
    }
}
