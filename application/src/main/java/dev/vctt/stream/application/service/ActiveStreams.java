package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams running now, by session and by client, with the per-client limit; the clients that
 * resumed them; and, for a short while, the streams that just ended (so a resume racing the end is
 * served from memory). Shared by the start, cancel, resume and count services.
 */
public final class ActiveStreams {

    private final int maxPerClient;
    private final Map<SessionId, StreamRun> bySession = new ConcurrentHashMap<>();
    private final Map<ClientId, Map<SessionId, StreamRun>> byClient = new ConcurrentHashMap<>();
    private final Map<ClientId, Map<SessionId, StreamRun>> resumedBy = new ConcurrentHashMap<>();
    private final Map<SessionId, StreamRun> recentlyEnded = new ConcurrentHashMap<>();

    public ActiveStreams(int maxPerClient) {
        if (maxPerClient < 1) {
            throw new IllegalArgumentException("maxPerClient must be at least 1: " + maxPerClient);
        }
        this.maxPerClient = maxPerClient;
    }

    public int maxPerClient() {
        return maxPerClient;
    }

    /** Registers the run unless its client already has the maximum number of streams. */
    boolean tryAdd(StreamRun run) {
        boolean[] added = {false};
        byClient.compute(run.client(), (client, runs) -> {
            Map<SessionId, StreamRun> current = runs == null ? new ConcurrentHashMap<>() : runs;
            if (current.size() < maxPerClient) {
                current.put(run.sessionId(), run);
                bySession.put(run.sessionId(), run);
                added[0] = true;
            }
            return current.isEmpty() ? null : current;
        });
        return added[0];
    }

    /** The run ended: it no longer counts, but a resume still finds it until {@link #forget}. */
    void ended(StreamRun run) {
        recentlyEnded.put(run.sessionId(), run);
        remove(run);
    }

    /** The run never started. */
    void remove(StreamRun run) {
        byClient.computeIfPresent(run.client(), (client, runs) -> {
            runs.remove(run.sessionId());
            bySession.remove(run.sessionId());
            return runs.isEmpty() ? null : runs;
        });
        resumedBy.values().forEach(runs -> runs.remove(run.sessionId()));
    }

    /** An ended run leaves memory; a resume now reads the store. */
    void forget(StreamRun run) {
        recentlyEnded.remove(run.sessionId(), run);
    }

    /** A stream the client started or resumed. */
    Optional<StreamRun> find(ClientId client, SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).filter(run -> run.isWatchedBy(client));
    }

    /** A running or just-ended stream, whoever it belongs to (the caller checks). */
    Optional<StreamRun> findForResume(SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).or(() -> Optional.ofNullable(recentlyEnded.get(sessionId)));
    }

    void resumed(ClientId client, StreamRun run) {
        resumedBy.computeIfAbsent(client, c -> new ConcurrentHashMap<>()).put(run.sessionId(), run);
    }

    /** The runs the client started or resumed; it is forgotten as a resumer. */
    List<StreamRun> leave(ClientId client) {
        var runs = new ArrayList<>(of(client));
        Map<SessionId, StreamRun> resumed = resumedBy.remove(client);
        if (resumed != null) {
            runs.addAll(resumed.values());
        }
        return runs;
    }

    List<StreamRun> of(ClientId client) {
        Map<SessionId, StreamRun> runs = byClient.get(client);
        return runs == null ? List.of() : List.copyOf(runs.values());
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
