package dev.vctt.stream.adapters.llm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The byte-exact provider transcripts in {@code ../shared/sse} next to the project. */
public final class Transcripts {

    private Transcripts() {
    }

    public static Path dir() {
        String configured = System.getenv("VCTT_SHARED_DIR");
        if (configured != null && Files.isDirectory(Path.of(configured, "sse"))) {
            return Path.of(configured, "sse");
        }
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve("../shared/sse").normalize();
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the provider transcripts (../shared/sse next to the project) are missing");
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> names() {
        try (Stream<Path> files = Files.list(dir())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sse")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
