package dev.vctt.stream.adapters.websocket.socketio;

import dev.vctt.stream.adapters.websocket.connection.FrameCodec;
import dev.vctt.stream.adapters.websocket.connection.Outbox;
import dev.vctt.stream.adapters.websocket.connection.SentEvent;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One connection's codec when connection state recovery is on: every event gets the next offset of
 * the connection's {@link RecoveryLedger}, appended as the last element of its data array (as the
 * reference server does). Numbering and handing to the outbox are one step under a lock, so offsets
 * reach the client in increasing order even when several streams send at once; the outbox never
 * blocks, so nothing waits long here.
 */
final class NumberedFrames implements FrameCodec {

    private final SocketIoFrames frames;
    private final ReentrantLock lock = new ReentrantLock();
    private RecoveryLedger ledger;

    NumberedFrames(SocketIoFrames frames, RecoveryLedger ledger) {
        this.frames = frames;
        this.ledger = ledger;
    }

    @Override
    public String frame(String event, DataWriter data) {
        return frames.frame(event, data);
    }

    @Override
    public void send(Outbox outbox, SentEvent what, String event, DataWriter data) {
        lock.lock();
        try {
            long offset = ledger.record(what);
            outbox.offer(frames.frame(event, data, Offsets.format(offset)));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Never merged: the ledger already counts each chunk under its own offset, and a merged frame
     * would tell a reconnecting client it holds chunks it has not received, or lacks ones it has.
     */
    @Override
    public void sendChunk(Outbox outbox, SentEvent.Chunk what, String event, String text,
                          Function<String, DataWriter> data) {
        send(outbox, what, event, data.apply(text));
    }

    /** The ledger as it is now; later sends no longer count (the connection is gone). */
    RecoveryLedger close() {
        lock.lock();
        try {
            RecoveryLedger last = ledger;
            ledger = new RecoveryLedger(1);
            return last;
        } finally {
            lock.unlock();
        }
    }
}
