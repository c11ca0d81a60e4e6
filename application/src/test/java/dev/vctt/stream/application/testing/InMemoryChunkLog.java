package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The chunk log in memory, synchronous; batches are stamped with the clock it is given, as the database stamps them. */
public final class InMemoryChunkLog implements ChunkLog {

    private record Stored(ChunkBatch batch, Instant writtenAt) {
    }

    private final InstantSource clock;
    private final List<Stored> batches = new ArrayList<>();
    private int appends;
    /** Batches accepted while lagging, and what waits for them, in order; null when keeping up. */
    private List<Runnable> lagging;

    /** From now on batches are accepted but not written, as by a database that is down or slow. */
    public synchronized void lag() {
        if (lagging == null) {
            lagging = new ArrayList<>();
        }
    }

    /** Writes what was held back, in order, running each {@link #whenWritten} callback in its turn; keeps up from now on. */
    public synchronized void catchUp() {
        List<Runnable> backlog = lagging == null ? List.of() : lagging;
        lagging = null;
        backlog.forEach(Runnable::run);
    }

    @Override
    public synchronized void whenWritten(Runnable then) {
        if (lagging != null) {
            lagging.add(then);
        } else {
            then.run();
        }
    }

    public InMemoryChunkLog(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void append(List<ChunkBatch> more) {
        appends++;
        if (lagging != null) {
            List<ChunkBatch> copy = List.copyOf(more);
            lagging.add(() -> store(copy));
            return;
        }
        store(more);
    }

    private void store(List<ChunkBatch> more) {
        for (ChunkBatch batch : more) {
            boolean known = batches.stream().anyMatch(s -> s.batch().sessionId().equals(batch.sessionId())
                    && s.batch().firstIndex() == batch.firstIndex());
            if (!known) {
                batches.add(new Stored(batch, clock.instant()));
            }
        }
    }

    @Override
    public synchronized List<LoggedChunk> read(SessionId sessionId, int fromIndex) {
        var chunks = new ArrayList<LoggedChunk>();
        batches.stream().map(Stored::batch).filter(b -> b.sessionId().equals(sessionId) && b.endIndex() > fromIndex)
                .sorted(Comparator.comparingInt(ChunkBatch::firstIndex))
                .forEach(b -> {
                    for (int i = 0; i < b.texts().size(); i++) {
                        if (b.firstIndex() + i >= fromIndex) {
                            chunks.add(new LoggedChunk(b.firstIndex() + i, b.texts().get(i), b.models().get(i)));
                        }
                    }
                });
        return chunks;
    }

    @Override
    public synchronized int forgetBefore(Instant before) {
        int size = batches.size();
        batches.removeIf(s -> s.writtenAt().isBefore(before));
        return size - batches.size();
    }

    /** How many times chunks were handed over (each call may carry many batches). */
    public synchronized int appends() {
        return appends;
    }

    /** Every chunk stored, of every session. */
    public synchronized int chunkCount() {
        return batches.stream().mapToInt(s -> s.batch().texts().size()).sum();
    }
}
