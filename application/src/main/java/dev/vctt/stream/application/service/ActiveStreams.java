package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams running now, by session and by client, with the per-client limit. Shared by the
 * start, cancel and count services.
 */
public final class ActiveStreams {

    private final int maxPerClient;
    private final Map<SessionId, StreamRun> bySession = new ConcurrentHashMap<>();
    private final Map<ClientId, Map<SessionId, StreamRun>> byClient = new ConcurrentHashMap<>();

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

    void remove(StreamRun run) {
        byClient.computeIfPresent(run.client(), (client, runs) -> {
            runs.remove(run.sessionId());
            bySession.remove(run.sessionId());
            return runs.isEmpty() ? null : runs;
        });
    }

    Optional<StreamRun> find(ClientId client, SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).filter(run -> run.client().equals(client));
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
