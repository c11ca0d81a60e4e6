package dev.vctt.stream.adapters.llm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The byte-exact provider transcripts in the test resources' {@code sse/} folder (see its README
 * for where they come from). Read from the classpath, so they are found in this module's test
 * classes and in its test-jar alike.
 */
public final class Transcripts {

    private static final String FOLDER = "sse/";

    private Transcripts() {
    }

    public static byte[] bytes(String name) {
        return bytesOf(name);
    }

    /** Any file of the folder, the README included. */
    static byte[] bytesOf(String name) {
        try (InputStream in = Transcripts.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no transcript " + FOLDER + name + " on the test classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> names() {
        URL folder = Transcripts.class.getClassLoader().getResource(FOLDER);
        if (folder == null) {
            throw new IllegalStateException("no " + FOLDER + " folder on the test classpath");
        }
        try {
            URI uri = folder.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return names(jar.getPath(FOLDER));
                }
            }
            return names(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sse")).sorted().toList();
        }
    }
}
