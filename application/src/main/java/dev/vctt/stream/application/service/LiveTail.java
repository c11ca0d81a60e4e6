package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamEvents;
import dev.vctt.stream.application.port.in.StreamFailed;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.in.StreamStarted;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A resumer's subscription to a running stream. It is subscribed before the log is read, so nothing
 * produced meanwhile is missed; until the replay is sent it holds live events back, then
 * {@link #goLive} sends those past the last replayed index and passes later ones straight through.
 * That order (subscribe, read the log, drain the tail past the replay) leaves no gap and no duplicate.
 */
final class LiveTail implements StreamEvents {

    private record Held(int index, Consumer<StreamEvents> delivery) {
    }

    private final StreamEvents target;
    private final int lastReplayed;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private boolean live;

    LiveTail(StreamEvents target, int lastReplayed) {
        this.target = target;
        this.lastReplayed = lastReplayed;
    }

    /** The replay has been sent: what was held back goes now, and everything later at once. */
    synchronized void goLive() {
        for (Held next : held) {
            if (next.index() < 0 || next.index() > lastReplayed) {
                next.delivery().accept(target);
            }
        }
        held.clear();
        live = true;
    }

    @Override
    public void started(StreamStarted event) {
        // a resumer joins a stream that has started; stream_start is the first connection's alone
    }

    @Override
    public void chunk(StreamChunk event) {
        deliver(event.index(), events -> events.chunk(event));
    }

    @Override
    public void completed(StreamCompleted event) {
        deliver(-1, events -> events.completed(event));
    }

    @Override
    public void failed(StreamFailed event) {
        deliver(-1, events -> events.failed(event));
    }

    @Override
    public void fellBack(StreamFellBack event) {
        deliver(-1, events -> events.fellBack(event));
    }

    @Override
    public void toolCalled(StreamToolCall event) {
        deliver(-1, events -> events.toolCalled(event));
    }

    @Override
    public void toolAnswered(StreamToolResult event) {
        deliver(-1, events -> events.toolAnswered(event));
    }

    private synchronized void deliver(int index, Consumer<StreamEvents> delivery) {
        if (live) {
            delivery.accept(target);
        } else {
            held.add(new Held(index, delivery));
        }
    }
}
