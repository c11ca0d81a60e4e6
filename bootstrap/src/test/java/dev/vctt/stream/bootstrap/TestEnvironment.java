package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.testing.TestDatabase;
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
}
