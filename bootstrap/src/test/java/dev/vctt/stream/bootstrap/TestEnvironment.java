package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.testing.TestDatabase;
import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/** Environments for servers under test: any free port, and a schema of their own in the test database. */
final class TestEnvironment {

    private TestEnvironment() {
    }

    static Map<String, String> of(Map<String, String> variables) {
        DatabaseSettings database = TestDatabase.freshSchema();
        var env = new HashMap<String, String>();
        env.put("PORT", "0");
        env.put("DATABASE_URL", database.url());
        env.put("DATABASE_USER", database.user());
        env.put("DATABASE_PASSWORD", database.password());
        env.put("VCTT_DB_SCHEMA", database.schema());
        env.put("VCTT_DB_POOL_SIZE", "4");
        env.putAll(variables);
        return env;
    }

    /** The database settings of such an environment, for a test that writes or reads its schema itself. */
    static DatabaseSettings database(Map<String, String> env) {
        return new DatabaseSettings(env.get("DATABASE_URL"), env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"),
                env.get("VCTT_DB_SCHEMA"), 2);
    }

    /** The first column of the first row of a query in that environment's schema, as text (null for SQL null). */
    static String scalar(Map<String, String> env, String query) {
        String url = env.get("DATABASE_URL");
        try (var connection = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?") + "currentSchema="
                + env.get("VCTT_DB_SCHEMA"), env.get("DATABASE_USER"), env.get("DATABASE_PASSWORD"));
             var statement = connection.createStatement();
             var rows = statement.executeQuery(query)) {
            if (!rows.next()) {
                throw new AssertionError("no row for " + query);
            }
            return rows.getString(1);
        } catch (SQLException e) {
            throw new AssertionError(query, e);
        }
    }

    /** The same as a number (0 for SQL null: a sum over no rows). */
    static BigDecimal number(Map<String, String> env, String query) {
        String value = scalar(env, query);
        return value == null ? BigDecimal.ZERO : new BigDecimal(value);
    }
}
