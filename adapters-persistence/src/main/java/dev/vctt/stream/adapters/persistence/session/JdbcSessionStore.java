package dev.vctt.stream.adapters.persistence.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.vctt.stream.adapters.persistence.JdbcWriter;
import dev.vctt.stream.adapters.persistence.JdbcWriter.Statement;
import dev.vctt.stream.adapters.persistence.StoredText;
import dev.vctt.stream.adapters.persistence.StoredText.Column;
import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.application.port.out.RunningSession;
import dev.vctt.stream.application.port.out.SessionClosed;
import dev.vctt.stream.application.port.out.SessionJournal;
import dev.vctt.stream.application.port.out.SessionOpened;
import dev.vctt.stream.application.port.out.SessionProgress;
import dev.vctt.stream.application.port.out.SessionQueries;
import dev.vctt.stream.application.port.out.StoreUnavailable;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.UsageSource;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.AttemptEnd;
import dev.vctt.stream.domain.session.AttemptResult;
import dev.vctt.stream.domain.session.Cancelled;
import dev.vctt.stream.domain.session.Completed;
import dev.vctt.stream.domain.session.Ended;
import dev.vctt.stream.domain.session.Failed;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.session.SessionId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;

/**
 * Sessions and their messages in PostgreSQL, both ports over the same tables: the journal's writes go
 * through the {@link JdbcWriter} in the background and in order; the queries read directly.
 *
 * <p>Every session it opens is owned by its node's token ({@link JdbcStreamLeases}); its later writes
 * are fenced on that token, so once another node has taken a session over (its owner's lease ran
 * out), nothing this node still writes to it changes anything.
 */
public final class JdbcSessionStore implements SessionJournal, SessionQueries {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource dataSource;
    private final JdbcWriter writer;
    private final long ownerToken;
    private final Map<SessionId, SessionProgress> pendingProgress = new ConcurrentHashMap<>();
    private final AtomicBoolean progressQueued = new AtomicBoolean();

    /** A store with no node: its sessions are owned by token 0 (one server alone on its database). */
    public JdbcSessionStore(DataSource dataSource, JdbcWriter writer) {
        this(dataSource, writer, 0);
    }

    /** A store whose sessions are owned by the node of that token, and whose writes are fenced on it. */
    public JdbcSessionStore(DataSource dataSource, JdbcWriter writer, long ownerToken) {
        this.dataSource = dataSource;
        this.writer = writer;
        this.ownerToken = ownerToken;
    }

    @Override
    public void opened(SessionOpened session) {
        writer.admit("the start of session " + session.id(), session,
                List.of(new Statement(session.id().value(), START, statement -> bindStart(statement, session, ownerToken))));
    }

    /**
     * Snapshots wait in a map, the latest per session; one queued write takes whatever is there when
     * its turn comes, so a slow database sees one batch per turn, never a growing pile.
     */
    @Override
    public void progressed(List<SessionProgress> progress) {
        for (SessionProgress p : progress) {
            pendingProgress.merge(p.id(), p, (older, newer) -> newer.at().isBefore(older.at()) ? older : newer);
        }
        if (progress.isEmpty() || !progressQueued.compareAndSet(false, true)) {
            return;
        }
        var batch = new ProgressBatch();
        writer.submit("progress of running sessions", batch, connection -> update(connection, batch.take(), ownerToken));
    }

    /**
     * The snapshots one queued progress write takes when its turn first comes, and keeps through its
     * retries; should it be set aside, they go with it rather than poison the next batch.
     */
    private final class ProgressBatch {
        private List<SessionProgress> taken;

        List<SessionProgress> take() {
            if (taken == null) {
                progressQueued.set(false);
                var batch = new ArrayList<SessionProgress>();
                for (SessionId id : List.copyOf(pendingProgress.keySet())) {
                    SessionProgress latest = pendingProgress.remove(id);
                    if (latest != null) {
                        batch.add(latest);
                    }
                }
                taken = List.copyOf(batch);
            }
            return taken;
        }

        @Override
        public String toString() {
            return String.valueOf(taken);
        }
    }

    @Override
    public void closed(SessionClosed session) {
        writer.submit("the end of session " + session.session().id(), session, List.of(new Statement(
                session.session().id().value(), END, statement -> bindEnd(statement, session, ownerToken))));
    }

    @Override
    public void whenWritten(Runnable then) {
        writer.whenDone(then);
    }

    @Override
    public void interrupted(RunningSession session, Instant at) {
        writer.submit("the interruption of session " + session.id(), Map.of("session", session, "at", at),
                connection -> interrupt(connection, session, at));
    }

    /**
     * The session's row and its conversation in one statement: the messages are inserted only when the
     * row was (a session written twice keeps its first messages).
     */
    private static final String START = """
            with opened as (
                insert into sessions (id, client_id, api_key_id, agent_role, request_id, temperature, max_tokens,
                    tools_enabled, status, first_model, first_provider, current_model, current_provider,
                    input_estimate, started_at, request_id_escaped, owner_token)
                values (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)
                on conflict (id) do nothing
                returning id)
            insert into messages (session_id, position, role, content, content_escaped)
            select opened.id, turn.position, turn.role, turn.content, turn.escaped
            from opened, unnest(?::integer[], ?::text[], ?::text[], ?::boolean[])
                as turn (position, role, content, escaped)""";

    private static void bindStart(PreparedStatement insert, SessionOpened session, long owner) throws SQLException {
        insert.setString(1, session.id().value());
        insert.setString(2, session.client().value());
        insert.setString(3, session.caller().apiKey().map(ApiKeyId::value).orElse(null));
        insert.setString(4, session.request().role().wireName());
        Column requestId = Column.of(session.requestId().orElse(""));
        insert.setString(5, session.requestId().isPresent() ? requestId.value() : null);
        insert.setDouble(6, session.request().temperature().value());
        if (session.request().maxTokens().isPresent()) {
            insert.setInt(7, session.request().maxTokens().getAsInt());
        } else {
            insert.setNull(7, Types.INTEGER);
        }
        insert.setBoolean(8, session.request().toolsEnabled());
        insert.setString(9, session.firstModel().model().value());
        insert.setString(10, session.firstModel().provider().value());
        insert.setString(11, session.firstModel().model().value());
        insert.setString(12, session.firstModel().provider().value());
        insert.setLong(13, session.inputEstimate().value());
        insert.setTimestamp(14, Timestamp.from(session.startedAt()));
        insert.setBoolean(15, requestId.escaped());
        insert.setLong(16, owner);
        List<ChatTurn> turns = session.request().conversation();
        Integer[] positions = new Integer[turns.size()];
        String[] roles = new String[turns.size()];
        String[] contents = new String[turns.size()];
        Boolean[] escaped = new Boolean[turns.size()];
        for (int i = 0; i < turns.size(); i++) {
            Column content = Column.of(turns.get(i).content());
            positions[i] = i;
            roles[i] = turns.get(i).role().wireName();
            contents[i] = content.value();
            escaped[i] = content.escaped();
        }
        Connection connection = insert.getConnection();
        insert.setArray(17, connection.createArrayOf("integer", positions));
        insert.setArray(18, connection.createArrayOf("text", roles));
        insert.setArray(19, connection.createArrayOf("text", contents));
        insert.setArray(20, connection.createArrayOf("boolean", escaped));
    }

    private static void update(Connection connection, List<SessionProgress> progress, long owner) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("""
                update sessions set current_model = ?, current_provider = ?, attempts = ?, chunks = ?, partial_text = ?,
                    input_estimate = ?, output_so_far = ?, estimated_cost = ?,
                    first_token_at = coalesce(first_token_at, ?), progress_at = ?, partial_text_escaped = ?
                where id = ? and status = 'running' and (progress_at is null or progress_at <= ?) and owner_token = ?""")) {
            for (SessionProgress p : progress) {
                update.setString(1, p.model().model().value());
                update.setString(2, p.model().provider().value());
                update.setInt(3, Math.max(1, p.attempts()));
                update.setInt(4, p.chunks());
                Column partial = Column.of(p.partialText());
                update.setString(5, partial.value());
                update.setLong(6, p.inputEstimate().value());
                update.setLong(7, p.outputSoFar().value());
                update.setBigDecimal(8, p.estimatedCost().amount());
                update.setTimestamp(9, p.firstTokenAt().map(Timestamp::from).orElse(null));
                update.setTimestamp(10, Timestamp.from(p.at()));
                update.setBoolean(11, partial.escaped());
                update.setString(12, p.id().value());
                update.setTimestamp(13, Timestamp.from(p.at()));
                update.setLong(14, owner);
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    /**
     * Appends an answer to each session named by the statement's {@code ended}, after its last message;
     * its two parameters are set by {@link #setAnswer}. A session's end and its answer go in one
     * statement, so in one round trip to the database, and the answer only where the end was written.
     */
    private static final String APPEND_ANSWER_TO_ENDED = """
            insert into messages (session_id, position, role, content, content_escaped)
            select ended.id, coalesce((select max(position) from messages where session_id = ended.id), -1) + 1,
                'assistant', ?, ?
            from ended""";

    /** A session's end and its answer in one statement: the answer only where the end was written. */
    private static final String END = """
            with ended as (
                update sessions set status = ?, ended_at = ?, first_token_at = ?, attempts = ?, chunks = ?,
                    current_model = ?, current_provider = ?, input_tokens = ?, output_tokens = ?, cost_usd = ?,
                    usage_estimated = ?, finish_reason = ?, error_code = ?, error_message = ?, fallback_used = ?,
                    models_tried = ?::jsonb, partial_text = null, partial_text_escaped = false,
                    gap_p50_ms = ?, gap_p99_ms = ?, tokens_per_second = ?, chunks_sent = ?, bytes_sent = ?,
                    resumes = ?, waste_tokens = ?, tool_calls = ?::jsonb
                where id = ? and status = 'running' and owner_token = ?
                returning id)
            """ + APPEND_ANSWER_TO_ENDED;

    private static void bindEnd(PreparedStatement update, SessionClosed closed, long owner) throws SQLException {
        Ended session = closed.session();
        String status = switch (session) {
            case Completed completed -> "completed";
            case Cancelled cancelled -> "cancelled";
            case Failed failed -> "failed";
        };
        String finishReason = switch (session) {
            case Completed completed -> completed.finishReason().wireName();
            case Cancelled cancelled -> "cancelled";
            case Failed failed -> null;
        };
        update.setString(1, status);
        update.setTimestamp(2, Timestamp.from(session.endedAt()));
        update.setTimestamp(3, session.firstTokenAt().map(Timestamp::from).orElse(null));
        update.setInt(4, session.attempts().size());
        update.setInt(5, session.chunks());
        update.setString(6, session.lastRoute().model().value());
        update.setString(7, session.lastRoute().provider().value());
        update.setLong(8, session.metering().usage().input().value());
        update.setLong(9, session.metering().usage().output().value());
        update.setBigDecimal(10, session.metering().cost().amount());
        update.setBoolean(11, session.metering().source() == UsageSource.ESTIMATED);
        update.setString(12, finishReason);
        update.setString(13, closed.errorCode().map(Enum::name).orElse(null));
        update.setString(14, closed.errorMessage().map(StoredText::sanitized).orElse(null));
        update.setBoolean(15, session.fellBack());
        update.setString(16, modelsTried(session.attempts()));
        StreamQuality quality = closed.quality();
        setDouble(update, 17, quality.gapP50Ms());
        setDouble(update, 18, quality.gapP99Ms());
        setDouble(update, 19, quality.tokensPerSecond());
        update.setLong(20, quality.chunksSent());
        update.setLong(21, quality.bytesSent());
        update.setInt(22, quality.resumes());
        update.setLong(23, quality.wasteTokens());
        update.setString(24, toolCalls(closed.toolCalls()));
        update.setString(25, session.id().value());
        update.setLong(26, owner);
        setAnswer(update, 27, closed.answer());
    }

    private static void setDouble(PreparedStatement statement, int index, OptionalDouble value) throws SQLException {
        if (value.isPresent()) {
            statement.setDouble(index, value.getAsDouble());
        } else {
            statement.setNull(index, Types.DOUBLE);
        }
    }

    private static StreamQuality quality(ResultSet row) throws SQLException {
        if (row.getObject("chunks_sent") == null) {
            return StreamQuality.unknown();
        }
        return new StreamQuality(optionalDouble(row, "gap_p50_ms"), optionalDouble(row, "gap_p99_ms"),
                optionalDouble(row, "tokens_per_second"), row.getLong("chunks_sent"), row.getLong("bytes_sent"),
                row.getInt("resumes"), row.getLong("waste_tokens"));
    }

    private static OptionalDouble optionalDouble(ResultSet row, String column) throws SQLException {
        double value = row.getDouble(column);
        return row.wasNull() ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    private static void interrupt(Connection connection, RunningSession session, Instant at) throws SQLException {
        String model = session.lastProgress().map(p -> p.model().model().value()).orElse(session.firstModel().model().value());
        ArrayNode tried = JSON.createArrayNode();
        tried.addObject().put("model", model).put("outcome", "interrupted");
        String partial = session.lastProgress().map(SessionProgress::partialText).orElse("");
        String update = """
                update sessions set status = 'interrupted', ended_at = ?, input_tokens = input_estimate,
                    output_tokens = output_so_far, cost_usd = estimated_cost, usage_estimated = true,
                    models_tried = ?::jsonb
                where id = ? and status = 'running'""";
        try (PreparedStatement interrupt = connection.prepareStatement(partial.isEmpty() ? update
                : "with ended as (" + update + " returning id) " + APPEND_ANSWER_TO_ENDED)) {
            interrupt.setTimestamp(1, Timestamp.from(at));
            interrupt.setString(2, tried.toString());
            interrupt.setString(3, session.id().value());
            if (!partial.isEmpty()) {
                setAnswer(interrupt, 4, partial);
            }
            interrupt.executeUpdate();
        }
    }

    private static void setAnswer(PreparedStatement statement, int index, String answer) throws SQLException {
        Column content = Column.of(answer);
        statement.setString(index, content.value());
        statement.setBoolean(index + 1, content.escaped());
    }

    /** Appends a partial answer, if there is one, to a session taken over from a node that went away. */
    static void appendPartialAnswer(Connection connection, String id, String answer) throws SQLException {
        if (answer.isEmpty()) {
            return;
        }
        try (PreparedStatement message = connection.prepareStatement("""
                insert into messages (session_id, position, role, content, content_escaped)
                select ?, coalesce(max(position), -1) + 1, 'assistant', ?, ? from messages where session_id = ?""")) {
            message.setString(1, id);
            setAnswer(message, 2, answer);
            message.setString(4, id);
            message.executeUpdate();
        }
    }

    private static String modelsTried(List<AttemptResult> attempts) {
        ArrayNode tried = JSON.createArrayNode();
        for (AttemptResult attempt : attempts) {
            var node = tried.addObject().put("model", attempt.route().model().value());
            switch (attempt.end()) {
                // a model step of a tool loop that ended asking for tools, so /api/sessions lists the steps
                case AttemptEnd.Finished finished when finished.reason() == FinishReason.TOOL_CALLS ->
                        node.put("outcome", "tool_calls");
                case AttemptEnd.Finished finished -> node.put("outcome", "completed");
                case AttemptEnd.Cancelled cancelled -> node.put("outcome", "cancelled");
                // the kind as well as the text, so the series can count fallbacks by kind in SQL
                case AttemptEnd.Failed failed -> node.put("outcome", "failed").put("kind", failed.kind().name())
                        .put("reason", StoredText.sanitized(failed.detail()));
            }
        }
        return tried.toString();
    }

    /** The ids and names come from a model or a server: sanitised, as PostgreSQL refuses some text in jsonb. */
    private static String toolCalls(List<ToolCallRecord> calls) {
        ArrayNode list = JSON.createArrayNode();
        for (ToolCallRecord call : calls) {
            list.addObject().put("step", call.step()).put("toolCallId", StoredText.sanitized(call.toolCallId()))
                    .put("server", StoredText.sanitized(call.server())).put("name", StoredText.sanitized(call.name()))
                    .put("outcome", call.outcome()).put("ok", call.ok()).put("truncated", call.truncated())
                    .put("bytes", call.bytes()).put("durationMs", call.durationMs());
        }
        return list.toString();
    }

    private static List<ToolCallRecord> toolCalls(String json) {
        try {
            var calls = new ArrayList<ToolCallRecord>();
            for (JsonNode node : JSON.readTree(json)) {
                calls.add(new ToolCallRecord(node.path("step").asInt(1), node.path("toolCallId").asText(),
                        node.path("server").asText(), node.path("name").asText(), node.path("outcome").asText(),
                        node.path("ok").asBoolean(), node.path("truncated").asBoolean(), node.path("bytes").asLong(),
                        node.path("durationMs").asLong()));
            }
            return calls;
        } catch (JsonProcessingException e) {
            throw new StoreUnavailable("tool_calls is not JSON", e);
        }
    }

    @Override
    public List<RunningSession> running() {
        return query("the running sessions", connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select id, api_key_id, started_at, first_model, first_provider, input_estimate, progress_at,
                        current_model, current_provider, attempts, chunks, partial_text, partial_text_escaped, output_so_far,
                        estimated_cost, first_token_at
                    from sessions where status = 'running' order by started_at""");
                 ResultSet rows = select.executeQuery()) {
                var running = new ArrayList<RunningSession>();
                while (rows.next()) {
                    running.add(runningSession(rows));
                }
                return running;
            }
        });
    }

    /** The columns {@link #runningSession} reads. */
    static final String RUNNING_COLUMNS = """
            id, api_key_id, started_at, first_model, first_provider, input_estimate, progress_at,
            current_model, current_provider, attempts, chunks, partial_text, partial_text_escaped, output_so_far,
            estimated_cost, first_token_at""";

    /** A running session as its row says, its last progress record included (when it had one). */
    static RunningSession runningSession(ResultSet rows) throws SQLException {
        var id = SessionId.of(rows.getString("id"));
        var input = TokenCount.of(rows.getLong("input_estimate"));
        Optional<SessionProgress> progress = Optional.empty();
        if (rows.getTimestamp("progress_at") != null) {
            progress = Optional.of(new SessionProgress(id,
                    route(rows.getString("current_model"), rows.getString("current_provider")),
                    rows.getInt("attempts"), rows.getInt("chunks"),
                    Optional.ofNullable(partialText(rows)).orElse(""), input,
                    TokenCount.of(rows.getLong("output_so_far")), Usd.of(rows.getBigDecimal("estimated_cost")),
                    instant(rows, "first_token_at"), rows.getTimestamp("progress_at").toInstant()));
        }
        return new RunningSession(id, Optional.ofNullable(rows.getString("api_key_id")).map(ApiKeyId::of),
                rows.getTimestamp("started_at").toInstant(),
                route(rows.getString("first_model"), rows.getString("first_provider")), input, progress);
    }

    @Override
    public Optional<SessionView> find(SessionId id, Caller caller) {
        if (StoredText.needsEscape(id.value())) {
            return Optional.empty(); // ids are ours and plain: such an id was never stored, and PostgreSQL would refuse it
        }
        return query("session " + id, connection -> {
            try (PreparedStatement select = connection.prepareStatement("""
                    select * from sessions where id = ? and (cast(? as text) is null or api_key_id = ?)""")) {
                select.setString(1, id.value());
                String key = caller.apiKey().map(ApiKeyId::value).orElse(null);
                select.setString(2, key);
                select.setString(3, key);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(view(row, messages(connection, id.value())));
                }
            }
        });
    }

    private static SessionView view(ResultSet row, List<ChatTurn> messages) throws SQLException {
        String status = row.getString("status");
        boolean running = status.equals("running");
        TokenUsage usage = running ? new TokenUsage(TokenCount.of(row.getLong("input_estimate")),
                TokenCount.of(row.getLong("output_so_far")))
                : TokenUsage.of(row.getLong("input_tokens"), row.getLong("output_tokens"));
        Usd cost = Usd.of(running ? row.getBigDecimal("estimated_cost") : row.getBigDecimal("cost_usd"));
        var view = new ArrayList<>(messages);
        String partial = partialText(row);
        if (running && partial != null && !partial.isEmpty()) {
            view.add(new ChatTurn(ChatRole.ASSISTANT, partial));
        }
        return new SessionView(row.getString("id"), status, row.getString("agent_role"),
                Optional.ofNullable(row.getString("api_key_id")), Optional.ofNullable(Column.read(row.getString("request_id"), row.getBoolean("request_id_escaped"))),
                row.getDouble("temperature"), row.getTimestamp("started_at").toInstant(), instant(row, "first_token_at"),
                instant(row, "ended_at"), usage, cost, running || row.getBoolean("usage_estimated"),
                Optional.ofNullable(row.getString("finish_reason")), Optional.ofNullable(row.getString("error_code")),
                Optional.ofNullable(row.getString("error_message")), modelsTried(row.getString("models_tried")), view,
                quality(row), toolCalls(row.getString("tool_calls")));
    }

    private static List<ChatTurn> messages(Connection connection, String id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "select role, content, content_escaped from messages where session_id = ? order by position")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                var turns = new ArrayList<ChatTurn>();
                while (rows.next()) {
                    turns.add(new ChatTurn(ChatRole.fromWireName(rows.getString("role")).orElseThrow(),
                            Column.read(rows.getString("content"), rows.getBoolean("content_escaped"))));
                }
                return turns;
            }
        }
    }

    private static List<SessionView.ModelTried> modelsTried(String json) {
        try {
            var tried = new ArrayList<SessionView.ModelTried>();
            for (JsonNode node : JSON.readTree(json)) {
                tried.add(new SessionView.ModelTried(node.path("model").asText(), node.path("outcome").asText(),
                        node.hasNonNull("reason") ? Optional.of(node.path("reason").asText()) : Optional.empty()));
            }
            return tried;
        } catch (JsonProcessingException e) {
            throw new StoreUnavailable("models_tried is not JSON: " + json, e);
        }
    }

    @Override
    public StatsReport stats(StatsQuery query, Caller caller) {
        return query("statistics", connection -> new StatsReport(query,
                Stats.rows(connection, query, caller, "'all'").getFirst(),
                Stats.rows(connection, query, caller, "agent_role"),
                Stats.rows(connection, query, caller, "current_model"),
                Stats.rows(connection, query, caller, "to_char((started_at at time zone 'UTC')::date, 'YYYY-MM-DD')")));
    }

    @Override
    public Series series(SeriesQuery query, Caller caller) {
        return query("a series", connection -> SeriesSql.run(connection, query, caller));
    }

    @Override
    public Distribution distribution(DistributionQuery query, Caller caller) {
        return query("a distribution", connection -> DistributionSql.run(connection, query, caller));
    }

    @Override
    public boolean reachable() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(1);
        } catch (SQLException e) {
            return false;
        }
    }

    private static String partialText(ResultSet row) throws SQLException {
        return Column.read(row.getString("partial_text"), row.getBoolean("partial_text_escaped"));
    }

    private static ModelRoute route(String model, String provider) {
        return ModelRoute.of(model, ProviderId.of(provider));
    }

    private static Optional<Instant> instant(ResultSet row, String column) throws SQLException {
        Timestamp value = row.getTimestamp(column);
        return value == null ? Optional.empty() : Optional.of(value.toInstant());
    }

    /** A read on a pooled connection; database faults become {@link StoreUnavailable}. */
    private <T> T query(String what, Read<T> read) {
        try (Connection connection = dataSource.getConnection()) {
            return read.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailable("cannot read " + what + ": " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Read<T> {
        T run(Connection connection) throws SQLException;
    }
}
