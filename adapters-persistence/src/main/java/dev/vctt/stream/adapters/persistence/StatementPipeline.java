package dev.vctt.stream.adapters.persistence;

import dev.vctt.stream.adapters.persistence.JdbcWriter.Statement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statements of one transaction, sent in as few round trips to the database as their order allows.
 *
 * <p>Each statement goes into the first stage after the last one of its {@link Statement#order()}, so
 * the statements of one order land in the order taken; within a stage, the statements of one SQL text
 * go as one JDBC batch, which the driver sends and reads back as one exchange. A transaction of many
 * sessions' writes thus costs one round trip per stage and text, not one per statement: what makes the
 * writer keep up when the database is a network hop away (a millisecond away, one statement at a time
 * recorded about a hundred short streams a second).
 */
final class StatementPipeline {

    private final Map<String, Integer> lastStage = new HashMap<>();
    /** Per stage, the statements by SQL text, in the order each text first came. */
    private final List<Map<String, List<Statement>>> stages = new ArrayList<>();

    void add(List<Statement> statements) {
        for (Statement statement : statements) {
            int stage = lastStage.merge(statement.order(), 0, (last, first) -> last + 1);
            while (stages.size() <= stage) {
                stages.add(new LinkedHashMap<>());
            }
            stages.get(stage).computeIfAbsent(statement.sql(), sql -> new ArrayList<>()).add(statement);
        }
    }

    /** Sends what was added, stage by stage; then it is empty again. */
    void send(Connection connection) throws SQLException {
        try {
            for (Map<String, List<Statement>> stage : stages) {
                for (Map.Entry<String, List<Statement>> same : stage.entrySet()) {
                    send(connection, same.getKey(), same.getValue());
                }
            }
        } finally {
            stages.clear();
            lastStage.clear();
        }
    }

    static void send(Connection connection, String sql, List<Statement> statements) throws SQLException {
        try (PreparedStatement prepared = connection.prepareStatement(sql)) {
            if (statements.size() == 1) {
                statements.getFirst().binder().bind(prepared);
                prepared.executeUpdate();
                return;
            }
            for (Statement statement : statements) {
                statement.binder().bind(prepared);
                prepared.addBatch();
            }
            prepared.executeBatch();
        }
    }
}
