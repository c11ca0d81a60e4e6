package dev.vctt.stream.adapters.persistence.apikey;

import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * API keys in PostgreSQL. A secret is 32 random bytes (base64url, prefixed {@code vctt_}); only its
 * SHA-256 is stored. A fast hash is the right one here: the secrets are random and long, so there
 * is nothing to guess, and the hash lets a key be looked up by its secret in one indexed read.
 */
public final class JdbcApiKeyStore implements ApiKeyStore {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;

    public JdbcApiKeyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public IssuedKey issue(String name, Optional<Usd> dailyBudget, Set<String> tools, Instant at) {
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(secretBytes);
        String secret = "vctt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
        byte[] idBytes = new byte[9];
        RANDOM.nextBytes(idBytes);
        var id = ApiKeyId.of("key_" + Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes));
        write("issue a key", connection -> {
            try (PreparedStatement insert = connection.prepareStatement("""
                    insert into api_keys (id, name, secret_sha256, daily_budget_usd, created_at, tools)
                    values (?, ?, ?, ?, ?, ?)""")) {
                insert.setString(1, id.value());
                insert.setString(2, name);
                insert.setString(3, sha256(secret));
                insert.setBigDecimal(4, dailyBudget.map(Usd::amount).orElse(null));
                insert.setTimestamp(5, Timestamp.from(at));
                insert.setArray(6, connection.createArrayOf("text", new java.util.TreeSet<>(tools).toArray()));
                insert.executeUpdate();
            }
            return null;
        });
        return new IssuedKey(id, secret);
    }

    @Override
    public Optional<ApiKeyView> check(String secret) {
        return write("check a key", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select * from api_keys where secret_sha256 = ? and revoked_at is null")) {
                select.setString(1, sha256(secret));
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(view(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Set<ApiKeyId> live(Set<ApiKeyId> ids) {
        if (ids.isEmpty()) {
            return Set.of();
        }
        return write("recheck keys", connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "select id from api_keys where id = any(?) and revoked_at is null")) {
                select.setArray(1, connection.createArrayOf("text",
                        ids.stream().map(ApiKeyId::value).toArray(String[]::new)));
                try (ResultSet rows = select.executeQuery()) {
                    var live = new HashSet<ApiKeyId>();
                    while (rows.next()) {
                        live.add(ApiKeyId.of(rows.getString(1)));
                    }
                    return Set.copyOf(live);
                }
            }
        });
    }

    @Override
    public boolean revoke(ApiKeyId id, Instant at) {
        return write("revoke a key", connection -> {
            try (PreparedStatement update = connection.prepareStatement(
                    "update api_keys set revoked_at = ? where id = ? and revoked_at is null")) {
                update.setTimestamp(1, Timestamp.from(at));
                update.setString(2, id.value());
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<ApiKeyView> list() {
        return write("list keys", connection -> {
            try (PreparedStatement select = connection.prepareStatement("select * from api_keys order by created_at, id");
                 ResultSet rows = select.executeQuery()) {
                var keys = new ArrayList<ApiKeyView>();
                while (rows.next()) {
                    keys.add(view(rows));
                }
                return keys;
            }
        });
    }

    private static ApiKeyView view(ResultSet row) throws SQLException {
        Timestamp revoked = row.getTimestamp("revoked_at");
        return new ApiKeyView(ApiKeyId.of(row.getString("id")), row.getString("name"),
                Optional.ofNullable(row.getBigDecimal("daily_budget_usd")).map(Usd::of),
                row.getTimestamp("created_at").toInstant(), Optional.ofNullable(revoked).map(Timestamp::toInstant),
                Set.of((String[]) row.getArray("tools").getArray()));
    }

    static String sha256(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private <T> T write(String what, Work<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }
}
