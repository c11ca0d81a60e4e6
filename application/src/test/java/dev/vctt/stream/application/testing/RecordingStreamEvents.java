package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamResync;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.in.StreamStarted;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** Records what a client is told, in order, and lets a test wait for an event. */
public class RecordingStreamEvents implements StreamEvents {

    private final List<Object> events = new ArrayList<>();

    @Override
    public synchronized void started(StreamStarted event) {
        record(event);
    }

    @Override
    public synchronized void chunk(StreamChunk event) {
        record(event);
    }

    @Override
    public synchronized void completed(StreamCompleted event) {
        record(event);
    }

    @Override
    public synchronized void failed(StreamFailed event) {
        record(event);
    }

    @Override
    public synchronized void fellBack(StreamFellBack event) {
        record(event);
    }

    @Override
    public synchronized void toolCalled(StreamToolCall event) {
        record(event);
    }

    @Override
    public synchronized void toolAnswered(StreamToolResult event) {
        record(event);
    }

    @Override
    public synchronized void resynced(StreamResync event) {
        record(event);
    }

    private void record(Object event) {
        events.add(event);
        notifyAll();
    }

    public synchronized List<Object> all() {
        return List.copyOf(events);
    }

    public synchronized <T> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits until an event of the type that matches arrives, and returns it. */
    public synchronized <T> T await(Class<T> type, Predicate<T> matching) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            for (Object event : events) {
                if (type.isInstance(event) && matching.test(type.cast(event))) {
                    return type.cast(event);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no " + type.getSimpleName() + " matching within 5 s; got " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
        }
    }

    public <T> T await(Class<T> type) {
        return await(type, event -> true);
    }
}
