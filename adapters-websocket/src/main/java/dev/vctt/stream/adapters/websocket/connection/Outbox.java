package dev.vctt.stream.adapters.websocket.connection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The bounded, ordered queue of frames to one client. Tyrus queues asynchronous sends without any
 * bound and its send timeouts do nothing, so a client that stops reading would otherwise fill the
 * heap; here at most {@code window} sends are handed to the transport at a time and at most
 * {@code maxQueuedChars} wait behind them. When a frame would not fit, the outbox gives up on the
 * client: it stops accepting frames and calls {@code onOverflow} once (which closes the connection).
 *
 * <p>Offering never blocks: it may be called from any thread, for several streams at once. Sends
 * are started outside the lock; a completion that arrives on the sending thread is handled too.
 */
public final class Outbox {

    /** Hands one frame to the transport and reports, possibly later and on another thread, when it is written. */
    public interface Sender {
        void send(String frame, Consumer<Throwable> done);
    }

    private final Sender sender;
    private final int maxQueuedChars;
    private final int window;
    private final Runnable onOverflow;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private long queuedChars;
    private int inFlight;
    private boolean draining;
    private boolean closed;

    public Outbox(Sender sender, int maxQueuedChars, int window, Runnable onOverflow) {
        if (maxQueuedChars < 1 || window < 1) {
            throw new IllegalArgumentException("outbox limits must be positive");
        }
        this.sender = sender;
        this.maxQueuedChars = maxQueuedChars;
        this.window = window;
        this.onOverflow = onOverflow;
    }

    /** Queues a frame; false if the outbox is closed or the client is too slow (then it is closed). */
    public boolean offer(String frame) {
        boolean overflow = false;
        boolean drain = false;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queuedChars + frame.length() > maxQueuedChars) {
                closeLocked();
                overflow = true;
            } else {
                queue.add(frame);
                queuedChars += frame.length();
                if (!draining && inFlight < window) {
                    draining = true;
                    drain = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (overflow) {
            onOverflow.run();
            return false;
        }
        if (drain) {
            drain();
        }
        return true;
    }

    /** Drops everything still queued; later offers are refused. */
    public void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, on a thread that may block (never an I/O thread), until at most {@code chars} are queued
     * or in flight, the outbox is closed, or {@code within} has passed. For producers that can go at
     * the client's pace, such as a replay; live chunks never wait.
     */
    public void awaitPendingAtMost(long chars, Duration within) {
        long nanos = within.toNanos();
        lock.lock();
        try {
            while (!closed && queuedChars > chars && nanos > 0) {
                nanos = written.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** The most characters that may wait. */
    public int capacity() {
        return maxQueuedChars;
    }

    /** Characters queued or in flight. */
    public long pendingChars() {
        lock.lock();
        try {
            return queuedChars;
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        closed = true;
        queue.clear();
        queuedChars = 0;
        written.signalAll();
    }

    private void drain() {
        while (true) {
            String next;
            lock.lock();
            try {
                if (closed || queue.isEmpty() || inFlight >= window) {
                    draining = false;
                    return;
                }
                next = queue.poll();
                inFlight++;
            } finally {
                lock.unlock();
            }
            int size = next.length();
            try {
                sender.send(next, failure -> sent(size, failure));
            } catch (RuntimeException e) {
                sent(size, e);
            }
        }
    }

    private void sent(int size, Throwable failure) {
        boolean drain = false;
        lock.lock();
        try {
            inFlight--;
            if (!closed) {
                queuedChars -= size;
                written.signalAll();
            }
            if (failure != null) {
                closeLocked();
            } else if (!draining && !queue.isEmpty() && inFlight < window) {
                draining = true;
                drain = true;
            }
        } finally {
            lock.unlock();
        }
        if (drain) {
            drain();
        }
    }
}
