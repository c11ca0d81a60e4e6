package dev.vctt.stream.adapters.persistence.ledger;

import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.JdbcWriter.Statement;
import dev.vctt.stream.application.port.out.BudgetLimit;
import dev.vctt.stream.application.port.out.LedgerEntry;
import dev.vctt.stream.application.port.out.Reservation;
import dev.vctt.stream.application.port.out.Settlement;
import dev.vctt.stream.application.port.out.SpendLedger;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.cost.BudgetDecision;
import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.BudgetScope;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import java.sql.Array;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.IntStream;
import javax.sql.DataSource;

/**
 * The spend ledger and budgets in PostgreSQL.
 *
 * <p>A reservation is one transaction of conditional updates ({@code reserved = reserved + x where
 * spent + reserved + x <= limit}) on one row per budget account and day. PostgreSQL takes the row
 * lock and, under read committed, re-checks the condition against the latest row once the lock is
 * had, so concurrent reservations queue on the row and can never pass the limit together. Accounts
 * are always locked in the same order, so two reservations cannot deadlock.
 *
 * <p>A node's own reservations of one account take turns in the node before they take a pooled
 * connection: queued on the row inside PostgreSQL, each would hold a connection while it waits, and a
 * burst against one budget (fifty requests of one key) took the whole pool, so that the last ones
 * failed with "cannot reserve budget" instead of being answered. Across nodes the row lock still
 * decides; each node then has at most one connection waiting on a row.
 *
 * <p>A settlement inserts one ledger row per attempt (its primary key makes a second settlement
 * bill nothing), adds what it newly billed to the accounts, and gives back the reservation.
 */
public final class JdbcSpendLedger implements SpendLedger {

    private static final String GLOBAL = "global";
    /** Accounts share turns by hash: a fixed number of locks, however many keys there are. */
    private static final int TURNS = 64;

    private final DataSource dataSource;
    private final JdbcWriter writer;
    private final ReentrantLock[] turns = IntStream.range(0, TURNS).mapToObj(i -> new ReentrantLock(true))
            .toArray(ReentrantLock[]::new);

    public JdbcSpendLedger(DataSource dataSource, JdbcWriter writer) {
        this.dataSource = dataSource;
        this.writer = writer;
    }

    @Override
    public BudgetDecision reserve(Reservation reservation) {
        return hold(reservation, false);
    }

    /** The same conditional holds as a reservation; what they add joins the session's open reservation. */
    @Override
    public BudgetDecision extend(Reservation more) {
        return hold(more, true);
    }

    private BudgetDecision hold(Reservation reservation, boolean extend) {
        List<BudgetLimit> limits = new ArrayList<>(reservation.limits());
        limits.sort(Comparator.comparing(limit -> account(limit.scope(), reservation.apiKey())));
        // in index order, like the rows, so two reservations never wait on each other's turn
        int[] mine = limits.stream().mapToInt(limit -> Math.floorMod(account(limit.scope(), reservation.apiKey())
                .hashCode(), TURNS)).distinct().sorted().toArray();
        for (int turn : mine) {
            turns[turn].lock();
        }
        try {
            return holdInTurn(reservation, limits, extend);
        } finally {
            for (int i = mine.length - 1; i >= 0; i--) {
                turns[mine[i]].unlock();
            }
        }
    }

    private BudgetDecision holdInTurn(Reservation reservation, List<BudgetLimit> limits, boolean extend) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                var accounts = new ArrayList<String>();
                for (BudgetLimit limit : limits) {
                    String account = account(limit.scope(), reservation.apiKey());
                    ensureRow(connection, account, reservation.day());
                    if (!hold(connection, account, reservation.day(), reservation.amount(), limit.daily())) {
                        BudgetDecision refused = BudgetPolicy.decide(limit.scope(), limit.daily(),
                                spent(connection, account, reservation.day()), reserved(connection, account, reservation.day()),
                                reservation.amount());
                        connection.rollback();
                        return refused instanceof BudgetDecision.Refused ? refused
                                : new BudgetDecision.Refused(limit.scope(), reservation.amount(), Usd.ZERO);
                    }
                    accounts.add(account);
                }
                if (extend) {
                    add(connection, reservation, accounts);
                } else {
                    record(connection, reservation, accounts);
                }
                connection.commit();
                return new BudgetDecision.Allowed();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot reserve budget: " + e.getMessage(), e);
        }
    }

    @Override
    public void settle(Settlement settlement) {
        String session = settlement.session().value();
        var statements = new ArrayList<Statement>();
        if (!settlement.entries().isEmpty()) {
            statements.add(new Statement(session, bill(settlement.entries().size()), statement -> bind(statement, settlement)));
        }
        statements.add(new Statement(session, RELEASE, statement -> {
            statement.setTimestamp(1, Timestamp.from(Instant.now()));
            statement.setString(2, session);
        }));
        writer.submit("the bill of session " + settlement.session(), settlement, statements);
    }

    /**
     * The session's ledger rows, and what they newly bill added to its accounts, in one statement: a row
     * already there (a second settlement) bills nothing and adds nothing. Accounts are added to in name
     * order, as a reservation takes them, so the two never wait on each other's rows.
     */
    private static String bill(int entries) {
        return """
                with billed as (
                    insert into spend_ledger (session_id, attempt, api_key_id, day, model, provider, input_tokens,
                        output_tokens, cost_usd, usage_estimated, recorded_at)
                    values %s
                    on conflict (session_id, attempt) do nothing
                    returning cost_usd),
                added as (select sum(cost_usd) as usd from billed)
                insert into budget_days as b (account, day, spent_usd)
                select named.account, ?, added.usd
                from added, unnest(?::text[]) with ordinality as named (account, rank)
                where added.usd > 0
                order by named.rank
                on conflict (account, day) do update set spent_usd = b.spent_usd + excluded.spent_usd"""
                .formatted(String.join(", ", Collections.nCopies(entries, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")));
    }

    private static void bind(PreparedStatement bill, Settlement settlement) throws SQLException {
        int p = 0;
        for (LedgerEntry entry : settlement.entries()) {
            bill.setString(++p, settlement.session().value());
            bill.setInt(++p, entry.attempt());
            bill.setString(++p, settlement.apiKey().map(ApiKeyId::value).orElse(null));
            bill.setDate(++p, Date.valueOf(settlement.day()));
            bill.setString(++p, entry.route().model().value());
            bill.setString(++p, entry.route().provider().value());
            bill.setLong(++p, entry.metering().usage().input().value());
            bill.setLong(++p, entry.metering().usage().output().value());
            bill.setBigDecimal(++p, entry.metering().cost().amount());
            bill.setBoolean(++p, entry.metering().source() == UsageSource.ESTIMATED);
            bill.setTimestamp(++p, Timestamp.from(entry.at()));
        }
        var accounts = new ArrayList<String>();
        settlement.apiKey().ifPresent(key -> accounts.add(account(BudgetScope.KEY, Optional.of(key))));
        accounts.add(GLOBAL);
        accounts.sort(Comparator.naturalOrder());
        bill.setDate(++p, Date.valueOf(settlement.day()));
        bill.setArray(++p, bill.getConnection().createArrayOf("text", accounts.toArray()));
    }

    /**
     * Gives the session's reservation back, once, in one statement. Its accounts' rows are locked in
     * name order first ({@code held}), as a reservation takes them, so the two never wait on each other.
     */
    private static final String RELEASE = """
            with released as (
                update reservations set settled_at = ? where session_id = ? and settled_at is null
                returning accounts, day, amount_usd),
            held as (
                select b.account, b.day, released.amount_usd
                from budget_days b join released on b.account = any(released.accounts) and b.day = released.day
                order by b.account
                for update of b)
            update budget_days b set reserved_usd = greatest(b.reserved_usd - held.amount_usd, 0)
            from held where b.account = held.account and b.day = held.day""";

    private static boolean hold(Connection connection, String account, LocalDate day, Usd amount, Usd limit)
            throws SQLException {
        try (PreparedStatement hold = connection.prepareStatement("""
                update budget_days set reserved_usd = reserved_usd + ?
                where account = ? and day = ? and spent_usd + reserved_usd + ? <= ?""")) {
            hold.setBigDecimal(1, amount.amount());
            hold.setString(2, account);
            hold.setDate(3, Date.valueOf(day));
            hold.setBigDecimal(4, amount.amount());
            hold.setBigDecimal(5, limit.amount());
            return hold.executeUpdate() == 1;
        }
    }

    private static void record(Connection connection, Reservation reservation, List<String> accounts) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into reservations (session_id, accounts, day, amount_usd, created_at) values (?, ?, ?, ?, ?)""")) {
            Array array = connection.createArrayOf("text", accounts.toArray());
            insert.setString(1, reservation.session().value());
            insert.setArray(2, array);
            insert.setDate(3, Date.valueOf(reservation.day()));
            insert.setBigDecimal(4, reservation.amount().amount());
            insert.setTimestamp(5, Timestamp.from(Instant.now()));
            insert.executeUpdate();
        }
    }

    private static void add(Connection connection, Reservation more, List<String> accounts) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement("""
                insert into reservations (session_id, accounts, day, amount_usd, created_at) values (?, ?, ?, ?, ?)
                on conflict (session_id) do update set amount_usd = reservations.amount_usd + excluded.amount_usd""")) {
            upsert.setString(1, more.session().value());
            upsert.setArray(2, connection.createArrayOf("text", accounts.toArray()));
            upsert.setDate(3, Date.valueOf(more.day()));
            upsert.setBigDecimal(4, more.amount().amount());
            upsert.setTimestamp(5, Timestamp.from(Instant.now()));
            upsert.executeUpdate();
        }
    }

    private static void ensureRow(Connection connection, String account, LocalDate day) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "insert into budget_days (account, day) values (?, ?) on conflict (account, day) do nothing")) {
            insert.setString(1, account);
            insert.setDate(2, Date.valueOf(day));
            insert.executeUpdate();
        }
    }

    private static Usd spent(Connection connection, String account, LocalDate day) throws SQLException {
        return amount(connection, "spent_usd", account, day);
    }

    private static Usd reserved(Connection connection, String account, LocalDate day) throws SQLException {
        return amount(connection, "reserved_usd", account, day);
    }

    private static Usd amount(Connection connection, String column, String account, LocalDate day) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select " + column + " from budget_days where account = ? and day = ?")) {
            select.setString(1, account);
            select.setDate(2, Date.valueOf(day));
            try (ResultSet row = select.executeQuery()) {
                return row.next() ? Usd.of(row.getBigDecimal(1)) : Usd.ZERO;
            }
        }
    }

    private static String account(BudgetScope scope, Optional<ApiKeyId> key) {
        return scope == BudgetScope.KEY ? "key:" + key.orElseThrow(() -> new IllegalArgumentException(
                "a key budget needs a key")).value() : GLOBAL;
    }
}
