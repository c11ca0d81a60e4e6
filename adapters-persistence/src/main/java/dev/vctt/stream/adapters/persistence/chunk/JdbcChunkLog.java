package dev.vctt.stream.adapters.persistence.chunk;

import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.JdbcWriter.Statement;
import dev.vctt.stream.adapters.persistence.StoredText;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.adapters.persistence.signal.SignalPayload;
import dev.vctt.stream.application.port.out.ChunkLog;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.LoggedChunk;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The chunk log in PostgreSQL: a row per batch (the chunks one stream sent since its last flush, as
 * two text arrays), written through the {@link JdbcWriter} in the background, so a flush of a
 * thousand streams is one JDBC batch in one transaction.
 *
 * <p>A batch is fenced on the writing node's token: once another node has taken the session over (the
 * writer's lease ran out), the batch is not stored, so a stale node cannot add to a log that a resume
 * elsewhere already treats as final.
 */
public final class JdbcChunkLog implements ChunkLog {

    private final DataSource dataSource;
    private final JdbcWriter writer;
    private final long ownerToken;
    private final Optional<String> headChannel;

    /** A log written by a server alone on its database (token 0). */
    public JdbcChunkLog(DataSource dataSource, JdbcWriter writer) {
        this(dataSource, writer, 0);
    }

    /** A log written by the node of that token, whose batches are refused for sessions another node took over. */
    public JdbcChunkLog(DataSource dataSource, JdbcWriter writer, long ownerToken) {
        this(dataSource, writer, ownerToken, Optional.empty());
    }

    private JdbcChunkLog(DataSource dataSource, JdbcWriter writer, long ownerToken, Optional<String> headChannel) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.ownerToken = ownerToken;
        this.headChannel = headChannel;
    }

    /**
     * The same log, announcing on that NOTIFY channel the new head of every batch it stores, in the
     * batch's own transaction: the signal reaches other nodes when, and only when, the chunks are
     * readable; one signal per stream per flush, never per chunk.
     */
    public JdbcChunkLog announcingHeadsOn(String channel) {
        return new JdbcChunkLog(dataSource, writer, ownerToken, Optional.of(channel));
    }

    @Override
    public void append(List<ChunkBatch> batches) {
        if (batches.isEmpty()) {
            return;
        }
        List<ChunkBatch> copy = List.copyOf(batches);
        writer.submit(copy.size() + " chunk batch(es)", copy, copy.stream().map(this::statement).toList());
    }

    // the session's row may not be written yet (see V2): only another owner's row refuses the batch
    private static final String INSERT = """
            insert into chunk_batches (session_id, first_index, texts, models, texts_escaped)
            select ?, ?, ?, ?, ?%s
            where not exists (select 1 from sessions where id = ? and owner_token <> ?)
            on conflict (session_id, first_index) do nothing""";
    private static final String STORE = INSERT.formatted("");
    /** The same, announcing the stream's new head in the same statement; NOTIFY is sent on commit. */
    private static final String STORE_AND_ANNOUNCE = "with announced as (select pg_notify(?, ?)) "
            + INSERT.formatted(" from announced");

    /** One batch's row, and its announcement when heads are announced: one statement, which the writer may send with others. */
    private Statement statement(ChunkBatch batch) {
        Optional<String> head = headChannel.flatMap(channel -> SignalPayload.encode(
                new ClusterSignal.HeadMoved(batch.sessionId(), batch.firstIndex() + batch.texts().size())));
        return new Statement(batch.sessionId().value(), head.isPresent() ? STORE_AND_ANNOUNCE : STORE, insert -> {
            int p = 0;
            if (head.isPresent()) {
                insert.setString(++p, headChannel.orElseThrow());
                insert.setString(++p, head.get());
            }
            Connection connection = insert.getConnection();
            boolean escaped = batch.texts().stream().anyMatch(StoredText::needsEscape);
            insert.setString(++p, batch.sessionId().value());
            insert.setInt(++p, batch.firstIndex());
            insert.setArray(++p, connection.createArrayOf("text",
                    escaped ? batch.texts().stream().map(StoredText::escape).toArray() : batch.texts().toArray()));
            insert.setArray(++p, connection.createArrayOf("text", batch.models().stream().map(ModelId::value).toArray()));
            insert.setBoolean(++p, escaped);
            insert.setString(++p, batch.sessionId().value());
            insert.setLong(++p, ownerToken);
        });
    }

    @Override
    public void whenWritten(Runnable then) {
        writer.whenDone(then);
    }

    @Override
    public List<LoggedChunk> read(SessionId sessionId, int fromIndex) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("""
                     select first_index, texts, models, texts_escaped from chunk_batches
                     where session_id = ? and first_index + cardinality(texts) > ? order by first_index""")) {
            select.setString(1, sessionId.value());
            select.setInt(2, fromIndex);
            var chunks = new ArrayList<LoggedChunk>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    int first = rows.getInt(1);
                    String[] texts = strings(rows.getArray(2));
                    String[] models = strings(rows.getArray(3));
                    boolean escaped = rows.getBoolean(4);
                    for (int i = Math.max(0, fromIndex - first); i < texts.length; i++) {
                        chunks.add(new LoggedChunk(first + i, StoredText.Column.read(texts[i], escaped), ModelId.of(models[i])));
                    }
                }
            }
            return chunks;
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot read the chunk log of " + sessionId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int forgetBefore(Instant before) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("delete from chunk_batches where written_at < ?")) {
            delete.setTimestamp(1, Timestamp.from(before));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot drop old chunks: " + e.getMessage(), e);
        }
    }

    private static String[] strings(Array array) throws SQLException {
        try {
            return (String[]) array.getArray();
        } finally {
            array.free();
        }
    }
}
