package dev.vctt.stream.bootstrap;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/**
 * The tools of the ITs that drive real JavaScript peers (socket.io-client, Chromium through
 * playwright-core, the AsyncAPI CLI): Node.js and npm on the PATH, the packages of
 * {@code src/test/node} (installed here with {@code npm ci} from the committed lock file), and
 * Debian's Chromium. A missing tool skips the test with a loud message, so that {@code ./mvnw verify}
 * passes on a machine with only a JDK; with {@code CI=true} it fails the test instead (CI installs
 * them: {@code .ci/run}).
 */
final class NodeTools {

    /** The npm project with the scripts, {@code package.json} and {@code package-lock.json}. */
    static final Path DIR = Path.of("src", "test", "node").toAbsolutePath();

    private static final boolean CI = "true".equalsIgnoreCase(System.getenv("CI"));
    private static final int MIN_NODE_MAJOR = 18;
    /** How long a test's set-up may take when it is the one that installs the packages. */
    static final long SETUP_MINUTES = 12;
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(SETUP_MINUTES - 2);
    private static final Path STAMP = DIR.resolve(Path.of("node_modules", ".vctt-installed-lock"));

    private static boolean installed;

    private NodeTools() {
    }

    /** Node and npm are there, and the packages installed; otherwise the test is skipped (or fails on CI). */
    static synchronized void requirePackages() {
        String version = run(List.of("node", "--version"), Duration.ofSeconds(30)).orElse(null);
        if (version == null) {
            throw missing("node (Node.js " + MIN_NODE_MAJOR + " or newer; 20 is tested) is not on the PATH",
                    "install it, e.g. apt-get install -y nodejs npm");
        }
        Matcher major = Pattern.compile("v(\\d+)\\.").matcher(version);
        if (!major.find() || Integer.parseInt(major.group(1)) < MIN_NODE_MAJOR) {
            throw missing("node " + version.strip() + " is older than " + MIN_NODE_MAJOR, "install Node.js " + MIN_NODE_MAJOR
                    + " or newer");
        }
        if (run(List.of("npm", "--version"), Duration.ofSeconds(60)).isEmpty()) {
            throw missing("npm is not on the PATH", "install it, e.g. apt-get install -y npm");
        }
        if (!installed) {
            install();
            installed = true;
        }
    }

    /** Debian's Chromium ({@code CHROMIUM_PATH}, else {@code chromium} on the PATH); otherwise skipped (fails on CI). */
    static Path chromium() {
        Optional<Path> configured = Optional.ofNullable(System.getenv("CHROMIUM_PATH")).map(Path::of);
        Optional<Path> found = configured.or(() -> onPath("chromium"));
        if (found.isEmpty() || !Files.isExecutable(found.get())) {
            throw missing("Chromium is not installed (no chromium on the PATH, no CHROMIUM_PATH)",
                    "install Debian's package: apt-get update && apt-get install -y chromium (never a downloaded browser)");
        }
        return found.get();
    }

    /** Installs the locked packages unless this lock file's packages are already there. */
    private static void install() {
        String lock = lockHash();
        try {
            if (Files.isRegularFile(STAMP) && Files.readString(STAMP).strip().equals(lock)) {
                return;
            }
            Path log = Files.createDirectories(Path.of("target")).resolve("npm-ci.log");
            // --ignore-scripts: none of the packages needs its install scripts, and some phone home
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                    .directory(DIR.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished;
            try {
                finished = npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } finally {
                // an install left running (timed out, or this test interrupted) would race the next
                // one over node_modules (ENOTEMPTY), so it never outlives this call
                if (npm.isAlive()) {
                    npm.descendants().forEach(ProcessHandle::destroyForcibly);
                    npm.destroyForcibly();
                }
            }
            if (!finished) {
                fail("npm ci in " + DIR + " did not finish within " + INSTALL_TIMEOUT + ":\n" + Files.readString(log));
            }
            if (npm.exitValue() != 0) {
                fail("npm ci in " + DIR + " failed with " + npm.exitValue() + ":\n" + Files.readString(log));
            }
            Files.writeString(STAMP, lock);
        } catch (IOException e) {
            fail("cannot run npm ci in " + DIR, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while installing the node packages", e);
        }
    }


    private static String lockHash() {
        try {
            byte[] lock = Files.readAllBytes(DIR.resolve("package-lock.json"));
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(lock));
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot read " + DIR.resolve("package-lock.json"), e);
        }
    }

    /** Fails at once (CI=true), or returns the skip to throw (otherwise) for a missing tool, said loudly. */
    private static RuntimeException missing(String what, String how) {
        if (CI) {
            throw new AssertionFailedError("CI=true, so this test must run, but " + what
                    + ". .ci/run installs what is missing; otherwise " + how + ".");
        }
        String message = "SKIPPED: " + what + " (" + how + "; with CI=true this is a failure)";
        System.err.println("\n**************** " + message + " ****************\n");
        return new TestAbortedException(message);
    }

    /** The command's output if it ran and exited 0 in time; empty if it could not be run. */
    private static Optional<String> run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return process.exitValue() == 0 ? Optional.of(output) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
