package dev.vctt.stream.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged server ({@code target/vctt-stream.jar}) run as its own process, as the README runs it. */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ServerProcess start(Map<String, String> env) {
        Path jar = jar();
        try {
            int port = env.containsKey("PORT") ? Integer.parseInt(env.get("PORT")) : freePort();
            Path log = Files.createTempFile("vctt-server", ".log");
            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.toString()));
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(env);
            builder.environment().putIfAbsent("PORT", Integer.toString(port));
            return new ServerProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a command of the packaged jar printed, each stream apart, and how it exited. */
    record Command(int exitCode, String out, String err) {
    }

    /** Runs {@code java -jar vctt-stream.jar ARGS} to its end, as a person would at a shell. */
    static Command run(Map<String, String> env, Duration wait, String... args) {
        try {
            Path out = Files.createTempFile("vctt-command", ".out");
            Path err = Files.createTempFile("vctt-command", ".err");
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xmx256m", "-jar", jar().toString()));
            command.addAll(List.of(args));
            var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", args) + " did not finish within " + wait + ":\n"
                        + Files.readString(out) + Files.readString(err));
            }
            return new Command(process.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path jar() {
        Path jar = Path.of("target", "vctt-stream.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("run the package phase first: " + jar.toAbsolutePath() + " is missing");
        }
        return jar;
    }

    static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until {@code /health} answers 200, or fails with the server's log. */
    void awaitHealthy(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try (var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build()) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited with " + process.exitValue() + ":\n" + log());
                }
                try {
                    var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new AssertionError("the server was not healthy within " + wait + ":\n" + log());
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(Duration wait) throws InterruptedException {
        if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the server did not exit within " + wait + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, as a container stop or Ctrl-C would send. */
    /** {@code kill -HUP}: asks the server to reload its configuration. */
    void hangUp() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new AssertionError("kill -HUP " + process.pid() + " failed");
        }
    }

    void terminate() {
        process.destroy();
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server as an operator would (SIGTERM), so that it stops its embedded database too. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
