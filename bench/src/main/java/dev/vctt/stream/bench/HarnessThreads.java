package dev.vctt.stream.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The threads that belong to the bench, not to the server: the fake provider's loop, the clients'
 * selector threads, the request scheduler and the sampler. The load run shares one process with the
 * server under test, so their CPU time and context switches are measured and subtracted. Each
 * thread enlists itself the first time it runs bench code; its Linux thread id is read from
 * {@code /proc/thread-self} (where there is one) to find its counters in {@code /proc/self/task}.
 */
public final class HarnessThreads {

    /** Java thread id to Linux thread id (-1 where unknown). */
    private final Map<Long, Long> threads = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> enlisted = ThreadLocal.withInitial(() -> false);
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final com.sun.management.ThreadMXBean allocations =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Enlists the calling thread; cheap after the first call. */
    public void enlist() {
        if (enlisted.get()) {
            return;
        }
        enlisted.set(true);
        threads.put(Thread.currentThread().threadId(), linuxThreadId().orElse(-1));
    }

    /** CPU time of the enlisted threads, in nanoseconds (threads that ended no longer count). */
    public long cpuNanos() {
        long total = 0;
        for (long id : threads.keySet()) {
            long cpu = mx.getThreadCpuTime(id);
            if (cpu > 0) {
                total += cpu;
            }
        }
        return total;
    }

    /** Heap bytes the enlisted threads allocated so far. */
    public long allocatedBytes() {
        long total = 0;
        for (long id : threads.keySet()) {
            long bytes = allocations.getThreadAllocatedBytes(id);
            if (bytes > 0) {
                total += bytes;
            }
        }
        return total;
    }

    /** Heap bytes every thread of the JVM allocated so far (virtual threads' count with their carriers). */
    public long allAllocatedBytes() {
        return allocations.getTotalThreadAllocatedBytes();
    }

    /** Voluntary plus involuntary context switches of the enlisted threads, or -1 without /proc. */
    public long contextSwitches() {
        long total = 0;
        for (long tid : threads.values()) {
            if (tid < 0) {
                return -1;
            }
            long switches = ProcFs.contextSwitches(Path.of("/proc/self/task/" + tid + "/status"));
            if (switches > 0) {
                total += switches;
            }
        }
        return total;
    }

    public int size() {
        return threads.size();
    }

    public boolean contains(long linuxThreadId) {
        return threads.containsValue(linuxThreadId);
    }

    private static OptionalLong linuxThreadId() {
        try {
            // "/proc/thread-self" links to "PID/task/TID"
            Path link = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            return OptionalLong.of(Long.parseLong(link.getFileName().toString()));
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
