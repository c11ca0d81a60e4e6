package dev.vctt.stream.bench;

import dev.vctt.stream.adapters.persistence.DatabaseSettings;
import dev.vctt.stream.adapters.persistence.EmbeddedDatabase;
import dev.vctt.stream.bootstrap.AppConfig;
import dev.vctt.stream.bootstrap.ServerApp;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The servers of a load run, each a whole {@link ServerApp} as {@code main} builds it, with its own
 * port and node id and the same settings otherwise: what N nodes behind a load balancer are. A
 * server's own embedded PostgreSQL is never shared (it takes over every stream it finds at start),
 * so unless {@code DATABASE_URL} names a database, several nodes (or one with {@code --shared-db})
 * get the embedded PostgreSQL started here, under the data directory, as their {@code DATABASE_URL}.
 */
final class ServerNodes implements AutoCloseable {

    /** One running server. */
    record Node(String id, ServerApp app) {
        int port() {
            return app.port();
        }
    }

    private final Optional<EmbeddedDatabase> database;
    private final List<Node> nodes;

    private ServerNodes(Optional<EmbeddedDatabase> database, List<Node> nodes) {
        this.database = database;
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts {@code count} servers on {@code environment} (see {@link LoadRun#serverEnvironment});
     * with {@code shared}, or more than one node, on one database that each of them may share.
     */
    static ServerNodes start(int count, boolean shared, Map<String, String> environment, Optional<Path> dataDir,
                             Consumer<String> progress) {
        var common = new HashMap<>(environment);
        Optional<EmbeddedDatabase> database = Optional.empty();
        if ((shared || count > 1) && !common.containsKey("DATABASE_URL")) {
            Path directory = dataDir.orElseThrow(() -> new IllegalArgumentException("no DATABASE_URL and no data directory"));
            database = Optional.of(EmbeddedDatabase.start(directory.resolve("postgres")));
            // only the address and credentials are used: schema and pool stay the nodes' own settings
            DatabaseSettings settings = database.get().settings("public", 1);
            common.put("DATABASE_URL", settings.url());
            common.put("DATABASE_USER", settings.user());
            common.put("DATABASE_PASSWORD", settings.password());
            common.remove("VCTT_DATA_DIR");
            progress.accept("the bench's embedded PostgreSQL on port " + database.get().port() + ", shared by the nodes");
        }
        var started = new ArrayList<Node>();
        try {
            for (int i = 0; i < count; i++) {
                String id = "bench-" + (char) ('a' + i);
                var mine = new HashMap<>(common);
                mine.put("VCTT_NODE_ID", id);
                started.add(new Node(id, ServerApp.start(AppConfig.fromEnv(mine), Clock.systemUTC())));
            }
        } catch (RuntimeException e) {
            new ServerNodes(database, started).close();
            throw e;
        }
        return new ServerNodes(database, started);
    }

    List<Node> nodes() {
        return nodes;
    }

    /** The nodes' ports, in order: connection i goes to node i mod N. */
    int[] ports() {
        return nodes.stream().mapToInt(Node::port).toArray();
    }

    /** How the streams split over the nodes, as the clients saw them. */
    List<LoadReport.NodeShare> shares(LoadClients.StreamStat[] stats) {
        var shares = new ArrayList<LoadReport.NodeShare>(nodes.size());
        for (int n = 0; n < nodes.size(); n++) {
            int node = n;
            List<LoadClients.StreamStat> mine = Arrays.stream(stats).filter(s -> s.node == node).toList();
            shares.add(new LoadReport.NodeShare(nodes.get(n).id(), nodes.get(n).port(), mine.size(),
                    (int) mine.stream().filter(s -> s.completed).count(), mine.stream().mapToLong(s -> s.chunks).sum()));
        }
        return shares;
    }

    /** The last node first, then the database they shared, once every node has stored what it holds. */
    @Override
    public void close() {
        for (Node node : nodes.reversed()) {
            node.app().close();
        }
        database.ifPresent(EmbeddedDatabase::close);
    }
}
