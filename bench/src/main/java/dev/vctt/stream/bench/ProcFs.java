package dev.vctt.stream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What Linux's {@code /proc} tells about this process and its threads; every reader degrades to -1 or empty elsewhere. */
final class ProcFs {

    private static final Path TASKS = Path.of("/proc/self/task");
    /** USER_HZ: the unit of utime and stime in /proc/PID/task/TID/stat; 100 on every Linux the JDK runs on. */
    private static final long TICKS_PER_SECOND = 100;

    /** One thread's counters. */
    record Task(long tid, String name, long cpuNanos, long contextSwitches) {
    }

    private ProcFs() {
    }

    static boolean available() {
        return Files.isDirectory(TASKS);
    }

    /** The process's resident set size in KiB, or -1. */
    static long rssKb() {
        return statusField(Path.of("/proc/self/status"), "VmRSS:");
    }

    /** Voluntary plus involuntary switches of one thread ({@code /proc/self/task/TID/status}), or -1. */
    static long contextSwitches(Path status) {
        try {
            long total = 0;
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                    total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                }
            }
            return total;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Every live thread of the process; threads that end between listing and reading are skipped. */
    static List<Task> tasks() {
        var tasks = new ArrayList<Task>();
        if (!available()) {
            return tasks;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(TASKS)) {
            for (Path dir : dirs) {
                try {
                    long tid = Long.parseLong(dir.getFileName().toString());
                    String stat = Files.readString(dir.resolve("stat"));
                    // the name is in parentheses and may hold spaces; the fields after it are fixed
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    long switches = contextSwitches(dir.resolve("status"));
                    if (switches >= 0) {
                        tasks.add(new Task(tid, name, ticks * 1_000_000_000L / TICKS_PER_SECOND, switches));
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return tasks;
    }

    private static long statusField(Path status, String field) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
