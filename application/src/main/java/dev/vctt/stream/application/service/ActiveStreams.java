package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients that are here and the streams running now, by session and by client, with the
 * per-client limit. Shared by the start, cancel, connect and count services.
 *
 * <p>A stream is registered only for a client that is here, and a client's leaving and a stream's
 * registration are atomic with respect to each other (both are one operation on the client's
 * entry): a stream registered before the client left is among those {@link #leave} returns to be
 * stopped, and one that comes after is refused. So no stream outlives its client because of when
 * the client's close arrived.
 */
public final class ActiveStreams {

    /** Whether a stream was registered. */
    enum Admission { ADDED, CLIENT_FULL, CLIENT_GONE }

    private final int maxPerClient;
    private final Map<SessionId, StreamRun> bySession = new ConcurrentHashMap<>();
    /** Clients that are here, each with its running streams. */
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

    void join(ClientId client) {
        byClient.putIfAbsent(client, new ConcurrentHashMap<>());
    }

    /** The client is gone: it registers nothing more. Returns the streams it had, which still run until stopped. */
    List<StreamRun> leave(ClientId client) {
        Map<SessionId, StreamRun> runs = byClient.remove(client);
        return runs == null ? List.of() : List.copyOf(runs.values());
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

    void remove(StreamRun run) {
        bySession.remove(run.sessionId(), run);
        byClient.computeIfPresent(run.client(), (client, runs) -> {
            runs.remove(run.sessionId(), run);
            return runs;
        });
    }

    Optional<StreamRun> find(ClientId client, SessionId sessionId) {
        return Optional.ofNullable(bySession.get(sessionId)).filter(run -> run.client().equals(client));
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
