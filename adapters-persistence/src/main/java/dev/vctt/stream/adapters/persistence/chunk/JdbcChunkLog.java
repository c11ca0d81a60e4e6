package dev.vctt.stream.adapters.persistence.chunk;

import dev.vctt.stream.adapters.persistence.JdbcWriter;
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
        writer.submit(copy.size() + " chunk batch(es)", copy, connection -> insert(connection, copy, ownerToken, headChannel));
    }

    private static void insert(Connection connection, List<ChunkBatch> batches, long owner, Optional<String> headChannel)
            throws SQLException {
        // the session's row may not be written yet (see V2): only another owner's row refuses the batch
        try (PreparedStatement insert = connection.prepareStatement("""
                insert into chunk_batches (session_id, first_index, texts, models, texts_escaped)
                select ?, ?, ?, ?, ?
                where not exists (select 1 from sessions where id = ? and owner_token <> ?)
                on conflict (session_id, first_index) do nothing""")) {
            for (ChunkBatch batch : batches) {
                insert.setString(1, batch.sessionId().value());
                insert.setInt(2, batch.firstIndex());
                boolean escaped = batch.texts().stream().anyMatch(StoredText::needsEscape);
                insert.setArray(3, connection.createArrayOf("text",
                        escaped ? batch.texts().stream().map(StoredText::escape).toArray() : batch.texts().toArray()));
                insert.setArray(4, connection.createArrayOf("text", batch.models().stream().map(ModelId::value).toArray()));
                insert.setBoolean(5, escaped);
                insert.setString(6, batch.sessionId().value());
                insert.setLong(7, owner);
                insert.addBatch();
            }
            insert.executeBatch();
        }
        if (headChannel.isPresent()) {
            announce(connection, headChannel.get(), batches);
        }
    }

    private static void announce(Connection connection, String channel, List<ChunkBatch> batches) throws SQLException {
        Object[] payloads = batches.stream()
                .map(b -> SignalPayload.encode(new ClusterSignal.HeadMoved(b.sessionId(), b.firstIndex() + b.texts().size())))
                .flatMap(Optional::stream).toArray();
        try (PreparedStatement notify = connection.prepareStatement("select pg_notify(?, p) from unnest(?) p")) {
            notify.setString(1, channel);
            notify.setArray(2, connection.createArrayOf("text", payloads));
            notify.execute();
        }
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
