package dev.vctt.stream.adapters.websocket.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A fixed text document the server answers {@code GET path} with, e.g. the protocol description. */
public record ServedDocument(String path, String contentType, String content) {

    public ServedDocument {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(content, "content");
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a served document's path starts with '/': " + path);
        }
    }

    /** A document read from a classpath resource of the given class loader. */
    public static ServedDocument fromClasspath(String path, String contentType, ClassLoader loader, String resource) {
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("resource " + resource + " is not on the classpath");
            }
            return new ServedDocument(path, contentType, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + resource, e);
        }
    }
}
