package dev.vctt.stream.adapters.websocket.connection;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The bounded, ordered queue of frames to one client. Tyrus queues asynchronous sends without any
 * bound and its send timeouts do nothing, so a client that stops reading would otherwise fill the
 * heap; here at most {@code window} sends are handed to the transport at a time and at most
 * {@code maxQueuedChars} wait behind them. When a frame would not fit, the outbox gives up on the
 * client: it stops accepting frames and calls {@code onGiveUp} once (which closes the connection).
 * Before that, a {@link Chunk} that would not fit is merged with the chunks of its stream still
 * waiting (those after the last waiting frame that is not a chunk): one frame with their texts
 * joined, at the place of the earliest, carrying the figures and index of the newest. A client that
 * falls behind thus gets the same text in fewer, larger frames instead of being closed at once. A
 * merge must bring what waits down to half the capacity, or the client is given up all the same: it
 * copies every waiting text of the stream, so it must free enough to be rare (small token chunks
 * free most of their frame; large chunks, or a client that reads nothing, free too little).
 *
 * <p>A send that fails, whether the sender reports it or throws (even an {@link Error}, as Tyrus's
 * text path does for a text it cannot encode), gives up on the client the same way: a connection
 * whose writer is stuck must be closed, never left open and silent while its streams go on. So is
 * a send the transport has not reported done within {@code stallTimeout}, found when the next
 * frame is offered (a connection with nothing to send has nothing waiting): a client that takes no
 * bytes for that long, or a transport that lost the completion, would otherwise hold the window
 * shut for good.
 *
 * <p>Offering never blocks: it may be called from any thread, for several streams at once. Sends
 * are started outside the lock; a completion that arrives on the sending thread is handled too,
 * and a completion reported twice counts once.
 */
public final class Outbox {

    /** Hands one frame to the transport and reports, possibly later and on another thread, when it is written. */
    public interface Sender {
        void send(String frame, Consumer<Throwable> done);
    }

    /**
     * A {@code stream_chunk} frame that may be merged with later chunks of its stream while it waits.
     *
     * @param stream the stream it belongs to (chunks merge only with chunks of an equal stream)
     * @param text   the chunk's text
     * @param frame  the frame for a given text: the chunk's own frame for its own text, and, applied to
     *               earlier waiting texts joined with its own, the merged frame
     */
    public record Chunk(Object stream, String text, Function<String, String> frame) {
    }

    /** One frame waiting; {@code chunk} when it may merge. */
    private record Entry(String frame, Chunk chunk) {
    }

    /** Why the outbox gave up on its client. */
    public enum GiveUp {
        /** The client reads too slowly: its frames would not fit. */
        SLOW_CONSUMER,
        /** The transport could not send a frame. */
        SEND_FAILED
    }

    /** How long a send may stay unfinished before the client is given up, unless told otherwise. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    private final Sender sender;
    private final int maxQueuedChars;
    private final int window;
    private final long stallNanos;
    private final LongSupplier nanoTime;
    private final Consumer<GiveUp> onGiveUp;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition written = lock.newCondition();
    private ArrayDeque<Entry> queue = new ArrayDeque<>();
    /** When each send in flight was handed to the transport, oldest first (the transport completes in order). */
    private final ArrayDeque<Long> inFlightSince = new ArrayDeque<>();
    private long queuedChars;
    private int inFlight;
    private boolean draining;
    private boolean closed;
    private long merged;

    public Outbox(Sender sender, int maxQueuedChars, int window, Consumer<GiveUp> onGiveUp) {
        this(sender, maxQueuedChars, window, DEFAULT_STALL_TIMEOUT, System::nanoTime, onGiveUp);
    }

    public Outbox(Sender sender, int maxQueuedChars, int window, Duration stallTimeout, LongSupplier nanoTime,
                  Consumer<GiveUp> onGiveUp) {
        if (maxQueuedChars < 1 || window < 1 || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("outbox limits must be positive");
        }
        this.sender = sender;
        this.maxQueuedChars = maxQueuedChars;
        this.window = window;
        this.stallNanos = stallTimeout.toNanos();
        this.nanoTime = nanoTime;
        this.onGiveUp = onGiveUp;
    }

    /** Queues a frame; false if the outbox is closed or the client is too slow (then it is closed). */
    public boolean offer(String frame) {
        return offer(new Entry(frame, null));
    }

    /** Queues a chunk's frame, merged with its stream's waiting chunks if it would not fit on its own. */
    public boolean offer(Chunk chunk) {
        return offer(new Entry(chunk.frame().apply(chunk.text()), chunk));
    }

    private boolean offer(Entry entry) {
        String frame = entry.frame();
        boolean overflow = false;
        boolean drain = false;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            Long oldest = inFlightSince.peekFirst();
            boolean fits = queuedChars + frame.length() <= maxQueuedChars;
            if (oldest != null && nanoTime.getAsLong() - oldest > stallNanos || !fits && !mergeLocked(entry)) {
                closeLocked();
                overflow = true;
            } else {
                if (fits) {
                    queue.add(entry);
                    queuedChars += frame.length();
                }
                if (!draining && inFlight < window) {
                    draining = true;
                    drain = true;
                }
            }
        } finally {
            lock.unlock();
        }
        if (overflow) {
            onGiveUp.accept(GiveUp.SLOW_CONSUMER);
            return false;
        }
        if (drain) {
            drain();
        }
        return true;
    }

    /** Gives up on the client for a reason found outside the outbox (a frame that could not be made, say). */
    public void giveUp(GiveUp why) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closeLocked();
        } finally {
            lock.unlock();
        }
        onGiveUp.accept(why);
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
     *
     * @return false when the wait ended with more than {@code chars} still waiting in an open outbox
     */
    public boolean awaitPendingAtMost(long chars, Duration within) {
        long nanos = within.toNanos();
        lock.lock();
        try {
            while (!closed && queuedChars > chars && nanos > 0) {
                nanos = written.awaitNanos(nanos);
            }
            return closed || queuedChars <= chars;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return closed || queuedChars <= chars;
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

    /** How many chunk frames were merged into waiting ones (each saves the client one frame). */
    public long mergedChunks() {
        lock.lock();
        try {
            return merged;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Merges a chunk that does not fit into its stream's chunks waiting after the last waiting frame
     * that is no chunk (merging across such a frame, a fallback say, would move text past it): true
     * if, with the merged frame in place of them, at most half the capacity is used. Only runs when
     * the outbox is full, and then frees half of it, so it may take its time: it rebuilds the queue.
     */
    private boolean mergeLocked(Entry entry) {
        Chunk chunk = entry.chunk();
        if (chunk == null) {
            return false;
        }
        var run = new ArrayDeque<Entry>();
        for (var it = queue.descendingIterator(); it.hasNext(); ) {
            Entry waiting = it.next();
            if (waiting.chunk() == null) {
                break;
            }
            if (waiting.chunk().stream().equals(chunk.stream())) {
                run.addFirst(waiting);
            }
        }
        if (run.isEmpty()) {
            return false;
        }
        var text = new StringBuilder();
        long freed = 0;
        for (Entry waiting : run) {
            text.append(waiting.chunk().text());
            freed += waiting.frame().length();
        }
        String joined = text.append(chunk.text()).toString();
        var mergedEntry = new Entry(chunk.frame().apply(joined), new Chunk(chunk.stream(), joined, chunk.frame()));
        long after = queuedChars - freed + mergedEntry.frame().length();
        if (after > maxQueuedChars / 2) {
            return false;
        }
        Set<Entry> gone = Collections.newSetFromMap(new IdentityHashMap<>());
        gone.addAll(run);
        var rebuilt = new ArrayDeque<Entry>(queue.size());
        Entry earliest = run.getFirst();
        for (Entry waiting : queue) {
            if (waiting == earliest) {
                rebuilt.add(mergedEntry);
            } else if (!gone.contains(waiting)) {
                rebuilt.add(waiting);
            }
        }
        queue = rebuilt;
        queuedChars = after;
        merged += run.size();
        return true;
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
                next = queue.poll().frame();
                inFlight++;
                inFlightSince.add(nanoTime.getAsLong());
            } finally {
                lock.unlock();
            }
            int size = next.length();
            var reported = new AtomicBoolean();
            Consumer<Throwable> done = failure -> {
                if (reported.compareAndSet(false, true)) {
                    sent(size, failure);
                }
            };
            try {
                sender.send(next, done);
            } catch (Throwable e) {
                // the state must be released before anything propagates, or the writer stays stuck
                done.accept(e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
        }
    }

    private void sent(int size, Throwable failure) {
        boolean drain = false;
        boolean giveUp = false;
        lock.lock();
        try {
            inFlight--;
            inFlightSince.poll();
            if (!closed) {
                queuedChars -= size;
                written.signalAll();
                if (failure != null) {
                    closeLocked();
                    giveUp = true;
                }
            }
            if (failure == null && !draining && !queue.isEmpty() && inFlight < window) {
                draining = true;
                drain = true;
            }
        } finally {
            lock.unlock();
        }
        if (giveUp) {
            onGiveUp.accept(GiveUp.SEND_FAILED);
        }
        if (drain) {
            drain();
        }
    }
}
