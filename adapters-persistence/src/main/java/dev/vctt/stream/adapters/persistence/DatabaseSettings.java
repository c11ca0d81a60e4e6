package dev.vctt.stream.adapters.persistence;

import java.util.Objects;

/** How to reach PostgreSQL: a {@code jdbc:postgresql://} URL, credentials, the schema, the pool size. */
public record DatabaseSettings(String url, String user, String password, String schema, int poolSize) {

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(schema, "schema");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("a PostgreSQL JDBC URL starts with jdbc:postgresql://");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("the pool needs at least one connection");
        }
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + ", schema=" + schema + ", poolSize=" + poolSize + "]";
    }
}
