package dev.vctt.stream.bootstrap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A script of {@code src/test/node} run with {@code node}: its stdout lines (JSON objects, one per
 * line) are collected as they come, so a test can wait for one while the script runs; every wait is
 * bounded, and a script that overruns is killed with its children. Failures quote what the script
 * printed on stdout and stderr.
 */
final class NodeScript implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Process process;
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder errors = new StringBuilder();
    private final CountDownLatch pumped = new CountDownLatch(2);

    private NodeScript(String name, Process process) {
        this.name = name;
        this.process = process;
        Thread.ofVirtual().name("node-stdout").start(() -> pump(process.getInputStream(), true));
        Thread.ofVirtual().name("node-stderr").start(() -> pump(process.getErrorStream(), false));
    }

    /** Starts {@code node SCRIPT ARGS…} in the node directory, with extra environment variables. */
    static NodeScript start(String script, Map<String, String> environment, String... arguments) {
        var command = new ArrayList<>(List.of("node", NodeTools.DIR.resolve(script).toString()));
        command.addAll(List.of(arguments));
        var builder = new ProcessBuilder(command).directory(NodeTools.DIR.toFile());
        builder.environment().putAll(environment);
        try {
            return new NodeScript(script, builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start node " + script, e);
        }
    }

    static NodeScript start(String script, String... arguments) {
        return start(script, Map.of(), arguments);
    }

    private void pump(InputStream stream, boolean stdout) {
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    if (stdout) {
                        lines.add(line);
                    } else {
                        errors.append(line).append('\n');
                    }
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            pumped.countDown();
            synchronized (lines) {
                lines.notifyAll();
            }
        }
    }

    /** Waits for the first stdout line that is a JSON object matching the condition. */
    JsonNode awaitJson(Predicate<JsonNode> matching, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    JsonNode json = parse(line);
                    if (json != null && matching.test(json)) {
                        return json;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && drained())) {
                    throw new AssertionError("node " + name + " printed no matching line within " + wait
                            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")") + "\n" + output());
                }
                try {
                    lines.wait(Math.min(200, Math.max(1, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
        }
    }

    /** Waits for the script to end by itself and returns its exit code; kills it if it overruns. */
    int awaitExit(Duration wait) {
        try {
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                close();
                throw new AssertionError("node " + name + " did not finish within " + wait + "; killed it\n" + output());
            }
            pumped.await(5, TimeUnit.SECONDS);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for a clean exit (0), else fails with the script's output. */
    void awaitSuccess(Duration wait) {
        int code = awaitExit(wait);
        if (code != 0) {
            throw new AssertionError("node " + name + " exited with " + code + "\n" + output());
        }
    }

    /** Every stdout line that is a JSON object, in order. */
    List<JsonNode> json() {
        synchronized (lines) {
            return lines.stream().map(NodeScript::parse).filter(json -> json != null).toList();
        }
    }

    /** What the script printed, for failure messages. */
    String output() {
        synchronized (lines) {
            return "---- stdout of node " + name + " ----\n" + String.join("\n", lines) + "\n---- stderr ----\n" + errors;
        }
    }

    /** Whether everything the script printed has been read (it has exited and both streams ended). */
    private boolean drained() {
        return pumped.getCount() == 0;
    }

    private static JsonNode parse(String line) {
        if (!line.startsWith("{")) {
            return null;
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
