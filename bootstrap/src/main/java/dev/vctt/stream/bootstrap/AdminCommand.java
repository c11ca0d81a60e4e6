package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.persistence.Database;
import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.adapters.persistence.apikey.JdbcApiKeyStore;
import dev.vctt.stream.application.port.in.ManageApiKeysUseCase;
import dev.vctt.stream.application.service.ManageApiKeysService;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.ApiKeyView;
import dev.vctt.stream.domain.access.IssuedKey;
import dev.vctt.stream.domain.cost.Usd;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The administration command line, against the same database the server uses (attaching to the
 * running server's embedded PostgreSQL when there is one):
 * <pre>
 * java -jar vctt-stream.jar keys create NAME [--daily-budget USD] [--tools a,b]
 * java -jar vctt-stream.jar keys revoke KEY_ID
 * java -jar vctt-stream.jar keys list
 * </pre>
 * The one class that writes to standard output: its output is the product (a secret shown once).
 */
final class AdminCommand {

    private static final String USAGE = """
            usage: java -jar vctt-stream.jar keys create NAME [--daily-budget USD] [--tools a,b]
                   java -jar vctt-stream.jar keys revoke KEY_ID
                   java -jar vctt-stream.jar keys list""";

    private AdminCommand() {
    }

    static boolean handles(String[] args) {
        return args.length > 0 && args[0].equals("keys");
    }

    /** Runs the command; returns the process exit code. */
    static int run(String[] args, AppConfig config, PrintStream out, PrintStream err) {
        if (args.length < 2) {
            err.println(USAGE);
            return 2;
        }
        Optional<EmbeddedDatabase> embedded = config.database().isPresent() ? Optional.empty()
                : Optional.of(EmbeddedDatabase.attachOrStart(config.dataDir().resolve("postgres")));
        DatabaseSettings settings = config.database()
                .map(db -> new DatabaseSettings(db.url(), db.user(), db.password(), config.databaseSchema(), 2))
                .orElseGet(() -> embedded.orElseThrow().settings(config.databaseSchema(), 2));
        try (Database database = Database.open(settings)) {
            ManageApiKeysUseCase keys = new ManageApiKeysService(new JdbcApiKeyStore(database.dataSource()), Clock.systemUTC());
            return switch (args[1]) {
                case "create" -> create(keys, List.of(args).subList(2, args.length), config.auth(), out, err);
                case "revoke" -> revoke(keys, List.of(args).subList(2, args.length), out, err);
                case "list" -> list(keys, out);
                default -> {
                    err.println(USAGE);
                    yield 2;
                }
            };
        } finally {
            embedded.ifPresent(EmbeddedDatabase::close);
        }
    }

    private static int create(ManageApiKeysUseCase keys, List<String> args, AppConfig.AuthMode auth, PrintStream out,
                              PrintStream err) {
        if (args.isEmpty() || args.getFirst().startsWith("--")) {
            err.println(USAGE);
            return 2;
        }
        Optional<Usd> budget = Optional.empty();
        Set<String> tools = Set.of();
        if (args.size() % 2 == 0) {
            err.println(USAGE);
            return 2;
        }
        for (int i = 1; i < args.size(); i += 2) {
            String option = args.get(i);
            String value = args.get(i + 1);
            if (option.equals("--daily-budget") && budget.isEmpty()) {
                try {
                    budget = Optional.of(Usd.of(new BigDecimal(value)));
                } catch (NumberFormatException e) {
                    err.println("--daily-budget takes an amount of US dollars such as 5 or 2.50, got '" + value + "'");
                    return 2;
                }
            } else if (option.equals("--tools") && tools.isEmpty()) {
                tools = new LinkedHashSet<>(Arrays.stream(value.split(",")).map(String::strip)
                        .filter(tool -> !tool.isEmpty()).toList());
            } else {
                err.println(USAGE);
                return 2;
            }
        }
        try {
            IssuedKey issued = keys.issue(args.getFirst(), budget, tools);
            out.println("key " + issued.id() + " created" + budget.map(b -> " with a daily budget of $" + b.toPlainString()).orElse("")
                    + (tools.isEmpty() ? "" : " that may call " + String.join(", ", tools)));
            out.println("clients send it as ?token=SECRET on /stream, as auth: {token: SECRET} with Socket.IO, or as "
                    + "Authorization: Bearer SECRET on /api/*; revoke it with: keys revoke " + issued.id());
            if (auth == AppConfig.AuthMode.OFF) {
                out.println("note: a server checks keys only when started with VCTT_AUTH=keys");
            }
            // last, so that the output ends with the one thing to copy (tail -1)
            out.println("secret (shown once, keep it safe): " + issued.secret());
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    private static int revoke(ManageApiKeysUseCase keys, List<String> args, PrintStream out, PrintStream err) {
        if (args.size() != 1) {
            err.println(USAGE);
            return 2;
        }
        if (keys.revoke(ApiKeyId.of(args.getFirst()))) {
            out.println("key " + args.getFirst() + " revoked");
            return 0;
        }
        err.println("no live key " + args.getFirst());
        return 1;
    }

    private static int list(ManageApiKeysUseCase keys, PrintStream out) {
        for (ApiKeyView key : keys.list()) {
            out.println(key.id() + "\t" + key.name() + "\t" + key.dailyBudget().map(b -> "$" + b.toPlainString() + "/day")
                    .orElse("no budget") + "\t" + key.revokedAt().map(at -> "revoked " + at).orElse("live"));
        }
        return 0;
    }
}
