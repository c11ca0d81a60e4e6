package dev.vctt.stream.adapters.persistence.session;

import dev.vctt.stream.application.port.out.NodeIdentity;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.application.port.out.StreamLeases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The leases of one node in PostgreSQL: a row in {@code nodes} per run of a server, whose
 * {@code lease_until} the heartbeat moves forward (one statement for all the node's streams), and whose
 * token owns and fences the node's sessions ({@code sessions.owner_token}).
 *
 * <p>Lease times are the database's clock ({@code now()}), never a node's, so nodes whose clocks
 * disagree still agree on who is dead. A take-over is one {@code UPDATE ... RETURNING} over rows
 * locked {@code SKIP LOCKED}: two nodes taking over at once never get the same session, and it writes
 * the taker's token into the row, which fences the dead owner out.
 */
public final class JdbcStreamLeases implements StreamLeases {

    /** Which running sessions count as left behind. */
    public enum Takeover {
        /** One server alone on its database (the embedded one): every session not of this run was left behind. */
        ALONE,
        /** Servers sharing the database: sessions whose owner's lease expired, or of an earlier run of this node. */
        SHARED
    }

    /** At most this many sessions are taken in one statement, so one take-over is one short transaction. */
    private static final int TAKE_AT_MOST = 500;

    private final DataSource dataSource;
    /** Where the lease is renewed and given up: a connection the node's own traffic cannot take up. */
    private final DataSource heartbeat;
    private final NodeIdentity node;
    private final Duration lease;
    private final Takeover takeover;

    private JdbcStreamLeases(DataSource dataSource, DataSource heartbeat, NodeIdentity node, Duration lease,
                             Takeover takeover) {
        this.dataSource = dataSource;
        this.heartbeat = heartbeat;
        this.node = node;
        this.lease = lease;
        this.takeover = takeover;
    }

    /** Registers a new run of the node of that name, holding a lease of that length from now. */
    public static JdbcStreamLeases join(DataSource dataSource, String nodeId, Duration lease, Takeover takeover) {
        return join(dataSource, dataSource, nodeId, lease, takeover);
    }

    /** The same, renewing the lease over {@code heartbeat} (see {@code Database#heartbeatDataSource}). */
    public static JdbcStreamLeases join(DataSource dataSource, DataSource heartbeat, String nodeId, Duration lease,
                                        Takeover takeover) {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(takeover, "takeover");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement forget = connection.prepareStatement(
                     "delete from nodes where lease_until < now() - interval '7 days'");
             PreparedStatement insert = connection.prepareStatement("""
                     insert into nodes (node_id, lease_until) values (?, now() + ? * interval '1 millisecond')
                     returning token""")) {
            // runs long gone: their sessions count as abandoned with or without their row
            forget.executeUpdate();
            insert.setString(1, nodeId);
            insert.setLong(2, lease.toMillis());
            try (ResultSet row = insert.executeQuery()) {
                row.next();
                return new JdbcStreamLeases(dataSource, heartbeat, new NodeIdentity(nodeId, row.getLong(1)), lease,
                        takeover);
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot register node " + nodeId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public NodeIdentity node() {
        return node;
    }

    /** The token this node's sessions and chunks are written under. */
    public long token() {
        return node.token();
    }

    @Override
    public void renew() {
        execute("the lease of node " + node.nodeId(), """
                update nodes set lease_until = now() + ? * interval '1 millisecond'
                where token = ? and left_at is null""", lease.toMillis(), node.token());
    }

    /** Gives the lease up at shutdown, once the node's streams are closed: nothing of it is left to take over. */
    public void leave() {
        execute("the departure of node " + node.nodeId(),
                "update nodes set lease_until = now(), left_at = now() where token = ?", node.token());
    }

    @Override
    public List<RunningSession> takeOverAbandoned(Instant at) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                List<RunningSession> taken = claim(connection, at);
                for (RunningSession session : taken) {
                    String partial = session.lastProgress().map(p -> p.partialText()).orElse("");
                    JdbcSessionStore.appendPartialAnswer(connection, session.id().value(), partial);
                }
                forgetAbandonedBands(connection);
                connection.commit();
                return taken;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot take over abandoned sessions: " + e.getMessage(), e);
        }
    }

    /** Whether the row of that alias (with an {@code owner_token}) was left behind; binds the node id when shared. */
    private String abandoned(String alias) {
        return switch (takeover) {
            case ALONE -> "true";
            // an owner is alive while a run of another name holds an unexpired lease; token 0 has no row
            case SHARED -> """
                    not exists (select 1 from nodes n where n.token = %s.owner_token and n.left_at is null
                        and n.lease_until > now() and n.node_id <> ?)""".formatted(alias);
        };
    }

    /** The bands a dead node was running run nowhere now (their members were taken over with its sessions). */
    private void forgetAbandonedBands(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "delete from running_bands b where b.owner_token <> ? and " + abandoned("b"))) {
            delete.setLong(1, node.token());
            if (takeover == Takeover.SHARED) {
                delete.setString(2, node.nodeId());
            }
            delete.executeUpdate();
        }
    }

    private List<RunningSession> claim(Connection connection, Instant at) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                with taken as (
                    select s.id from sessions s
                    where s.status = 'running' and s.owner_token <> ? and %s
                    order by s.started_at limit %d
                    for update of s skip locked)
                update sessions s set status = 'interrupted', ended_at = ?, input_tokens = s.input_estimate,
                    output_tokens = s.output_so_far, cost_usd = s.estimated_cost, usage_estimated = true,
                    models_tried = jsonb_build_array(jsonb_build_object('model', s.current_model, 'outcome', 'interrupted')),
                    owner_token = ?
                from taken where s.id = taken.id
                returning %s""".formatted(abandoned("s"), TAKE_AT_MOST, prefixed(JdbcSessionStore.RUNNING_COLUMNS)))) {
            int i = 1;
            update.setLong(i++, node.token());
            if (takeover == Takeover.SHARED) {
                update.setString(i++, node.nodeId());
            }
            update.setTimestamp(i++, Timestamp.from(at));
            update.setLong(i, node.token());
            var taken = new ArrayList<RunningSession>();
            try (ResultSet rows = update.executeQuery()) {
                while (rows.next()) {
                    taken.add(JdbcSessionStore.runningSession(rows));
                }
            }
            return taken;
        }
    }

    /** The returned columns, qualified: {@code RETURNING} sees both {@code s} and {@code taken}. */
    private static String prefixed(String columns) {
        return String.join(", ", java.util.Arrays.stream(columns.split(","))
                .map(String::strip).map(c -> "s." + c).toList());
    }

    private void execute(String what, String sql, Object... parameters) {
        try (Connection connection = heartbeat.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot write " + what + ": " + e.getMessage(), e);
        }
    }
}
