package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.application.port.Distribution;
import dev.vctt.stream.application.port.DistributionQuery;
import dev.vctt.stream.application.port.Series;
import dev.vctt.stream.application.port.SeriesQuery;
import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.port.StatsQuery;
import dev.vctt.stream.application.port.StatsReport;
import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenUsage;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.quality.StreamQuality;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every session store (the journal and its queries) does, whether it keeps sessions in memory or
 * in PostgreSQL. Stores may
 * write in the background, so every check waits (briefly) for the record to appear.
 */
public abstract class SessionStoreContract<S extends SessionJournal & SessionQueries> {

    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final Caller ANYONE = Caller.ANONYMOUS;

    private S store;

    /** A store with no sessions yet (or with only sessions of other tests, told apart by id). */
    protected abstract S newStore();

    @BeforeEach
    void create_store() {
        store = newStore();
    }

    private static SessionId newId() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    private SessionView found(SessionId id) {
        Optional<SessionView> view = store.find(id, ANYONE);
        assertThat(view).as("session %s stored", id).isPresent();
        return view.get();
    }

    @Test
    void an_opened_session_is_stored_as_running_with_its_request_and_messages() {
        SessionId id = newId();

        store.opened(TestSessions.opened(id, ANYONE, AgentRole.ANALYST, T0));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("running");
            assertThat(view.agentRole()).isEqualTo("analyst");
            assertThat(view.requestId()).contains("r-" + id);
            assertThat(view.temperature()).isEqualTo(0.5);
            assertThat(view.startedAt()).isEqualTo(T0);
            assertThat(view.messages()).containsExactly(new ChatTurn(ChatRole.SYSTEM, "Be brief."),
                    new ChatTurn(ChatRole.USER, "Hi"), new ChatTurn(ChatRole.ASSISTANT, "Hello!"),
                    new ChatTurn(ChatRole.USER, "What is 2+2?"));
        });
    }

    @Test
    void a_completed_session_keeps_its_answer_usage_cost_timings_and_models() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 120), "Four.", Optional.empty(),
                Optional.empty()));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("completed");
            assertThat(view.finishReason()).contains("stop");
            assertThat(view.usage()).isEqualTo(TokenUsage.of(20, 2));
            assertThat(view.cost()).isEqualTo(Usd.of("0.00007"));
            assertThat(view.usageEstimated()).isFalse();
            assertThat(view.firstTokenAt()).contains(T0.plusMillis(120));
            assertThat(view.endedAt()).contains(T0.plusMillis(170));
            assertThat(view.modelsTried()).containsExactly(new SessionView.ModelTried("gpt-4o", "completed", Optional.empty()));
            assertThat(view.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, "Four."));
            assertThat(view.errorCode()).isEmpty();
        });
    }

    @Test
    void a_session_keeps_each_tool_call_without_its_arguments_or_result() {
        // given
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));
        var calls = List.of(
                new ToolCallRecord(1, "call_1", "everything", "get-sum", "answered",
                        true, false, 24, 35),
                new ToolCallRecord(1, "call_2", "everything", "echo", "answered",
                        true, true, 70_000, 12),
                new ToolCallRecord(2, "call_\u0000odd", "", "get-env", "failed",
                        false, false, 0, 0));

        // when
        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 120), "Four.", Optional.empty(),
                Optional.empty(), StreamQuality.unknown(), calls));

        // then: a model's odd id is kept readable, never refused by the store
        holds(() -> {
            SessionView view = found(id);
            assertThat(view.toolCalls()).hasSize(3);
            assertThat(view.toolCalls().subList(0, 2)).isEqualTo(calls.subList(0, 2));
            assertThat(view.toolCalls().get(2).name()).isEqualTo("get-env");
            assertThat(view.toolCalls().get(2).step()).isEqualTo(2);
            assertThat(view.toolCalls().get(2).outcome()).isEqualTo("failed");
        });
    }

    @Test
    void a_session_without_tools_lists_no_tool_calls() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 120), "Four.", Optional.empty(),
                Optional.empty()));

        holds(() -> assertThat(found(id).toolCalls()).isEmpty());
    }

    @Test
    void a_failed_session_keeps_the_error_the_client_was_given() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.ANALYST, T0));

        store.closed(new SessionClosed(TestSessions.failed(id, T0), "", Optional.of(ErrorCode.PROVIDER_ERROR),
                Optional.of("gpt-4o: HTTP 401 unauthorized: bad key")));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("failed");
            assertThat(view.errorCode()).contains("PROVIDER_ERROR");
            assertThat(view.errorMessage()).contains("gpt-4o: HTTP 401 unauthorized: bad key");
            assertThat(view.modelsTried()).containsExactly(
                    new SessionView.ModelTried("gpt-4o", "failed", Optional.of("HTTP 401 unauthorized: bad key")));
            assertThat(view.usageEstimated()).isTrue();
        });
    }

    @Test
    void a_session_that_fell_back_lists_every_model_tried_and_why() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.ETHICS, T0));

        store.closed(new SessionClosed(TestSessions.fellBack(id, T0), "Four.", Optional.empty(), Optional.empty()));

        holds(() -> assertThat(found(id).modelsTried()).containsExactly(
                new SessionView.ModelTried("gpt-4o", "failed", Optional.of("HTTP 503 overloaded")),
                new SessionView.ModelTried("claude-sonnet-4-5", "completed", Optional.empty())));
    }

    @Test
    void a_cancelled_session_is_stored_as_cancelled_with_its_partial_answer() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        store.closed(new SessionClosed(TestSessions.cancelled(id, T0), "Fo", Optional.empty(), Optional.empty()));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("cancelled");
            assertThat(view.finishReason()).contains("cancelled");
            assertThat(view.messages().getLast().content()).isEqualTo("Fo");
            assertThat(view.usageEstimated()).isTrue();
        });
    }

    @Test
    void the_latest_progress_of_a_running_session_is_what_a_restart_finds() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        store.progressed(List.of(progress(id, "The ans", 2, T0.plusMillis(500))));
        store.progressed(List.of(progress(id, "The answer is", 4, T0.plusMillis(1000))));

        holds(() -> {
            RunningSession running = store.running().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            assertThat(running.firstModel()).isEqualTo(TestCatalog.GPT_4O);
            assertThat(running.inputEstimate()).isEqualTo(TokenCount.of(20));
            assertThat(running.lastProgress()).hasValueSatisfying(p -> {
                assertThat(p.partialText()).isEqualTo("The answer is");
                assertThat(p.outputSoFar()).isEqualTo(TokenCount.of(4));
                assertThat(p.estimatedCost()).isEqualTo(Usd.of("0.00009"));
                assertThat(p.model()).isEqualTo(TestCatalog.GPT_4O);
            });
        });
    }

    @Test
    void an_interrupted_session_is_no_longer_running_and_keeps_its_partial_text() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));
        store.progressed(List.of(progress(id, "Half an ans", 3, T0.plusMillis(500))));
        // the start lands before the progress: wait for the progress itself, not just the running row
        RunningSession running = runningWithProgress(id, "Half an ans");

        store.interrupted(running, T0.plusSeconds(60));

        holds(() -> {
            assertThat(store.running()).extracting(RunningSession::id).doesNotContain(id);
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("interrupted");
            assertThat(view.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, "Half an ans"));
            assertThat(view.usageEstimated()).isTrue();
            assertThat(view.cost()).isEqualTo(Usd.of("0.00008"));
        });
    }

    @Test
    void a_second_end_of_a_session_changes_nothing_and_adds_no_second_answer() {
        SessionId id = newId();
        completedWithAnswer(id);

        store.closed(new SessionClosed(TestSessions.cancelled(id, T0), "Fo", Optional.empty(), Optional.empty()));
        afterEverythingAcceptedSoFar();

        SessionView view = found(id);
        assertThat(view.status()).isEqualTo("completed");
        assertThat(view.messages()).hasSize(5);
        assertThat(view.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, "Four."));
    }

    @Test
    void an_interrupted_session_without_text_gets_no_empty_answer() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));
        holds(() -> assertThat(store.running()).extracting(RunningSession::id).contains(id));

        store.interrupted(new RunningSession(id, Optional.empty(), T0, TestCatalog.GPT_4O, TokenCount.of(20),
                Optional.empty()), T0.plusSeconds(60));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("interrupted");
            assertThat(view.messages()).hasSize(4);
            assertThat(view.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.USER, "What is 2+2?"));
        });
    }

    @Test
    void progress_after_the_end_changes_nothing() {
        SessionId id = newId();
        completedWithAnswer(id);

        store.progressed(List.of(progress(id, "stale", 1, T0.plusMillis(90))));
        afterEverythingAcceptedSoFar();

        SessionView view = found(id);
        assertThat(view.status()).isEqualTo("completed");
        assertThat(view.messages().getLast().content()).isEqualTo("Four.");
        assertThat(store.running()).extracting(RunningSession::id).doesNotContain(id);
    }

    @Test
    void text_postgresql_cannot_hold_comes_back_exactly() {
        // given: NUL, lone surrogates (high and low), a well-formed pair, and backslashes that look like escapes
        String question = "nul\0 high\uD800 low\uDC00 pair\uD83D\uDE00 looks escaped: \\0 \\u0000 \\";
        String partial = "partial\0\uDBFF";
        String answer = "answer\uDFFF\0 and \\0";
        SessionId id = newId();
        Optional<String> requestId = Optional.of("r\0" + id);
        store.opened(new SessionOpened(id, ClientId.of("client-1"), ANYONE, TestSessions.request(AgentRole.PRIMARY, question),
                requestId, TestCatalog.GPT_4O, TokenCount.of(20), T0));

        // when: it streams, and ends
        store.progressed(List.of(progress(id, partial, 3, T0.plusMillis(500))));

        // then: while running, a restart and the API see exactly what was sent and streamed
        runningWithProgress(id, partial);
        SessionView running = found(id);
        assertThat(running.requestId()).isEqualTo(requestId);
        assertThat(running.messages()).contains(new ChatTurn(ChatRole.USER, question));
        assertThat(running.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, partial));

        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 100), answer, Optional.empty(),
                Optional.empty()));

        holds(() -> {
            SessionView ended = found(id);
            assertThat(ended.status()).isEqualTo("completed");
            assertThat(ended.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, answer));
            assertThat(ended.messages()).contains(new ChatTurn(ChatRole.USER, question));
        });
    }

    @Test
    void a_session_whose_error_message_holds_nul_is_still_recorded() {
        SessionId id = newId();
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.ANALYST, T0));

        store.closed(new SessionClosed(TestSessions.failed(id, T0), "", Optional.of(ErrorCode.PROVIDER_ERROR),
                Optional.of("gpt-4o: bad\0 byte\uD800")));

        holds(() -> {
            SessionView view = found(id);
            assertThat(view.status()).isEqualTo("failed");
            assertThat(view.errorMessage()).hasValueSatisfying(message -> assertThat(message).startsWith("gpt-4o: bad"));
        });
    }

    @Test
    void a_key_sees_only_its_own_sessions() {
        SessionId mine = newId();
        SessionId theirs = newId();
        Caller me = Caller.of(ApiKeyId.of("key_me_" + mine));
        Caller them = Caller.of(ApiKeyId.of("key_them_" + theirs));
        store.opened(TestSessions.opened(mine, me, AgentRole.PRIMARY, T0));
        store.opened(TestSessions.opened(theirs, them, AgentRole.PRIMARY, T0));

        holds(() -> {
            assertThat(store.find(mine, me)).isPresent();
            assertThat(store.find(theirs, me)).isEmpty();
            assertThat(store.find(theirs, them)).hasValueSatisfying(v -> assertThat(v.apiKeyId()).contains(them.apiKey().get().value()));
            assertThat(store.find(mine, ANYONE)).isPresent();
        });
    }

    @Test
    void an_unknown_session_is_not_found() {
        assertThat(store.find(newId(), ANYONE)).isEmpty();
    }

    @Test
    void stats_group_spend_tokens_errors_fallbacks_and_first_token_times() {
        Caller key = Caller.of(ApiKeyId.of("key_stats_" + UUID.randomUUID()));
        Instant day1 = Instant.parse("2026-10-01T08:00:00Z");
        Instant day2 = Instant.parse("2026-10-02T08:00:00Z");
        SessionId a = newId();
        SessionId b = newId();
        SessionId c = newId();
        SessionId d = newId();
        store.opened(TestSessions.opened(a, key, AgentRole.PRIMARY, day1));
        store.closed(new SessionClosed(TestSessions.completed(a, AgentRole.PRIMARY, day1, 100), "Four.", Optional.empty(), Optional.empty()));
        store.opened(TestSessions.opened(b, key, AgentRole.PRIMARY, day1));
        store.closed(new SessionClosed(TestSessions.completed(b, AgentRole.PRIMARY, day1, 300), "Four.", Optional.empty(), Optional.empty()));
        store.opened(TestSessions.opened(c, key, AgentRole.ETHICS, day2));
        store.closed(new SessionClosed(TestSessions.fellBack(c, day2), "Four.", Optional.empty(), Optional.empty()));
        store.opened(TestSessions.opened(d, key, AgentRole.ANALYST, day2));
        store.closed(new SessionClosed(TestSessions.failed(d, day2), "", Optional.of(ErrorCode.PROVIDER_ERROR), Optional.of("no")));

        holds(() -> {
            StatsReport report = store.stats(new StatsQuery(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2)), key);
            assertThat(report.total().sessions()).isEqualTo(4);
            assertThat(report.total().errors()).isEqualTo(1);
            assertThat(report.total().fallbacks()).isEqualTo(1);
            assertThat(report.total().inputTokens()).isEqualTo(20 + 20 + (20 + 22) + 20);
            assertThat(report.total().outputTokens()).isEqualTo(2 + 2 + 2 + 0);
            // 0.00007 + 0.00007 + (0.00005 estimated for GPT + 0.000096 for Claude) + 0.00005
            assertThat(report.total().spend()).isEqualTo(Usd.of("0.000336"));
            assertThat(report.byRole()).extracting(StatsReport.Row::key).containsExactly("analyst", "ethics", "primary");
            StatsReport.Row primary = report.byRole().get(2);
            assertThat(primary.sessions()).isEqualTo(2);
            assertThat(primary.firstTokenMsP50()).hasValue(200.0);
            assertThat(primary.firstTokenMsP95()).hasValue(290.0);
            assertThat(report.byModel()).extracting(StatsReport.Row::key).containsExactly("claude-sonnet-4-5", "gpt-4o");
            assertThat(report.byDay()).extracting(StatsReport.Row::key).containsExactly("2026-10-01", "2026-10-02");
            assertThat(report.byDay().get(0).spend()).isEqualTo(Usd.of("0.00014"));

            StatsReport firstDay = store.stats(new StatsQuery(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 1)), key);
            assertThat(firstDay.total().sessions()).isEqualTo(2);
            StatsReport someoneElse = store.stats(new StatsQuery(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 2)),
                    Caller.of(ApiKeyId.of("key_nobody")));
            assertThat(someoneElse.total().sessions()).isZero();
            assertThat(someoneElse.total().firstTokenMsP50()).isEmpty();
        });
    }

    @Test
    void a_closed_session_keeps_how_its_stream_went() {
        SessionId id = newId();
        var quality = new StreamQuality(OptionalDouble.of(12.5), OptionalDouble.of(480.0), OptionalDouble.of(41.25), 7, 93, 2,
                15);
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 120), "Four.", Optional.empty(),
                Optional.empty(), quality));

        holds(() -> assertThat(found(id).quality()).isEqualTo(quality));
    }

    @Test
    void a_running_session_has_no_stream_figures_yet() {
        SessionId id = newId();

        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));

        holds(() -> assertThat(found(id).quality()).isEqualTo(StreamQuality.unknown()));
    }

    private static StreamQuality quality(double gapP99, double tokensPerSecond, long waste) {
        return new StreamQuality(OptionalDouble.of(gapP99 / 2), OptionalDouble.of(gapP99), OptionalDouble.of(tokensPerSecond),
                2, 5, 0, waste);
    }

    private void seedSeries(Caller key, Instant hour) {
        SessionId a = newId();
        SessionId b = newId();
        SessionId c = newId();
        SessionId d = newId();
        store.opened(TestSessions.opened(a, key, AgentRole.PRIMARY, hour.plusSeconds(5 * 60)));
        store.closed(new SessionClosed(TestSessions.completed(a, AgentRole.PRIMARY, hour.plusSeconds(5 * 60), 100), "Four.",
                Optional.empty(), Optional.empty(), quality(20, 50, 0)));
        store.opened(TestSessions.opened(b, key, AgentRole.PRIMARY, hour.plusSeconds(20 * 60)));
        store.closed(new SessionClosed(TestSessions.completed(b, AgentRole.PRIMARY, hour.plusSeconds(20 * 60), 300), "Four.",
                Optional.empty(), Optional.empty(), quality(40, 30, 30)));
        store.opened(TestSessions.opened(c, key, AgentRole.ANALYST, hour.plusSeconds(70 * 60)));
        store.closed(new SessionClosed(TestSessions.completed(c, AgentRole.ANALYST, hour.plusSeconds(70 * 60), 200), "Four.",
                Optional.empty(), Optional.empty(), quality(10, 20, 5)));
        store.opened(TestSessions.opened(d, key, AgentRole.ANALYST, hour.plusSeconds(75 * 60)));
        store.closed(new SessionClosed(TestSessions.failed(d, hour.plusSeconds(75 * 60)), "",
                Optional.of(ErrorCode.PROVIDER_ERROR), Optional.of("no")));
    }

    private static SeriesQuery query(String metric, String by, String bucket, Instant from, Instant to) {
        return new SeriesQuery(SeriesQuery.Metric.fromWireName(metric).orElseThrow(),
                SeriesQuery.GroupBy.fromWireName(by).orElseThrow(), SeriesQuery.Bucket.fromWireName(bucket).orElseThrow(),
                from, to);
    }

    private static double at(Series series, String group, Instant bucket) {
        return series.lines().stream().filter(line -> line.group().equals(group)).flatMap(line -> line.points().stream())
                .filter(point -> point.bucket().equals(bucket)).findFirst().orElseThrow(() -> new AssertionError(
                        "no point for " + group + " at " + bucket + " in " + series)).value().doubleValue();
    }

    @Test
    void series_put_known_sessions_into_time_buckets_with_known_percentiles() {
        // given two primary sessions in the first hour (first tokens after 100 and 300 ms), an analyst
        // session and a failed one in the second
        Caller key = Caller.of(ApiKeyId.of("key_series_" + UUID.randomUUID()));
        Instant hour = Instant.parse("2026-09-01T10:00:00Z");
        Instant next = hour.plusSeconds(3600);
        Instant end = hour.plusSeconds(7200);
        seedSeries(key, hour);

        holds(() -> {
            // then time to first token is interpolated as percentile_cont does, per model and hour
            Series p50 = store.series(query("ttft_p50", "model", "1h", hour, end), key);
            assertThat(p50.lines()).extracting(Series.Line::group).containsExactly("gpt-4o");
            assertThat(at(p50, "gpt-4o", hour)).isCloseTo(200.0, within(0.01));
            assertThat(at(p50, "gpt-4o", next)).isCloseTo(200.0, within(0.01));
            assertThat(at(store.series(query("ttft_p95", "model", "1h", hour, end), key), "gpt-4o", hour))
                    .isCloseTo(290.0, within(0.01));
            // and the per-stream figures aggregate over sessions
            Series gap = store.series(query("gap_p99", "role", "1d", hour, end), key);
            assertThat(at(gap, "primary", Instant.parse("2026-09-01T00:00:00Z"))).isCloseTo(39.8, within(0.001));
            Series rate = store.series(query("tokens_per_second", "role", "1d", hour, end), key);
            assertThat(at(rate, "primary", Instant.parse("2026-09-01T00:00:00Z"))).isCloseTo(40.0, within(0.001));
            Series waste = store.series(query("waste_tokens", "role", "1h", hour, end), key);
            assertThat(at(waste, "primary", hour)).isEqualTo(30.0);
            assertThat(at(waste, "analyst", next)).isEqualTo(5.0);
            // and counts, spend and errors by kind
            Series sessions = store.series(query("sessions", "role", "1h", hour, end), key);
            assertThat(at(sessions, "primary", hour)).isEqualTo(2.0);
            assertThat(at(sessions, "analyst", next)).isEqualTo(2.0);
            Series errors = store.series(query("errors", "kind", "1h", hour, end), key);
            assertThat(at(errors, "PROVIDER_ERROR", next)).isEqualTo(1.0);
            assertThat(at(errors, "none", hour)).isZero();
            Series spend = store.series(query("spend", "key", "1d", hour, end), key);
            // 3 × 0.00007 completed + 0.00005 estimated for the failed one
            assertThat(spend.lines().getFirst().points().getFirst().value())
                    .isEqualByComparingTo(new BigDecimal("0.00026"));
        });
    }

    @Test
    void fallbacks_by_kind_count_each_attempt_that_was_fallen_back_from_by_its_failure_kind() {
        // given in one hour a session that fell back once (overloaded), one that fell back twice (connection
        // lost, then overloaded), and one that fell back (no first token) and then failed (unauthorized);
        // in the next hour a plain completed session
        Caller key = Caller.of(ApiKeyId.of("key_series_" + UUID.randomUUID()));
        Instant hour = Instant.parse("2026-09-04T10:00:00Z");
        SessionId once = newId();
        SessionId twice = newId();
        SessionId thenFailed = newId();
        SessionId plain = newId();
        store.opened(TestSessions.opened(once, key, AgentRole.ETHICS, hour.plusSeconds(60)));
        store.closed(new SessionClosed(TestSessions.fellBack(once, hour.plusSeconds(60)), "Four.", Optional.empty(),
                Optional.empty()));
        store.opened(TestSessions.opened(twice, key, AgentRole.PRIMARY, hour.plusSeconds(120)));
        store.closed(new SessionClosed(TestSessions.fellBackTwice(twice, hour.plusSeconds(120)), "Four.", Optional.empty(),
                Optional.empty()));
        store.opened(TestSessions.opened(thenFailed, key, AgentRole.ANALYST, hour.plusSeconds(180)));
        store.closed(new SessionClosed(TestSessions.fellBackThenFailed(thenFailed, hour.plusSeconds(180)), "",
                Optional.of(ErrorCode.PROVIDER_ERROR), Optional.of("no")));
        store.opened(TestSessions.opened(plain, key, AgentRole.PRIMARY, hour.plusSeconds(3700)));
        store.closed(new SessionClosed(TestSessions.completed(plain, AgentRole.PRIMARY, hour.plusSeconds(3700), 100),
                "Four.", Optional.empty(), Optional.empty()));

        holds(() -> {
            // when
            Series byKind = store.series(query("fallbacks", "kind", "1h", hour, hour.plusSeconds(7200)), key);

            // then the failed attempts another followed count by kind; the final failure is an error, not a fallback
            assertThat(byKind.lines()).extracting(Series.Line::group)
                    .containsExactly("CONNECTION_LOST", "OVERLOADED", "TIMEOUT_FIRST_TOKEN");
            assertThat(byKind.lines()).allSatisfy(line -> assertThat(line.points()).extracting(Series.Point::bucket)
                    .containsExactly(hour));
            assertThat(at(byKind, "OVERLOADED", hour)).isEqualTo(2.0);
            assertThat(at(byKind, "CONNECTION_LOST", hour)).isEqualTo(1.0);
            assertThat(at(byKind, "TIMEOUT_FIRST_TOKEN", hour)).isEqualTo(1.0);
            // and by model the same metric still counts sessions that fell back, by the model that answered last
            Series byModel = store.series(query("fallbacks", "model", "1h", hour, hour.plusSeconds(7200)), key);
            assertThat(at(byModel, "claude-sonnet-4-5", hour)).isEqualTo(2.0);
            assertThat(at(byModel, "grok-4-1-fast-non-reasoning", hour)).isEqualTo(1.0);
            assertThat(store.series(query("fallbacks", "kind", "1h", hour, hour.plusSeconds(7200)),
                    Caller.of(ApiKeyId.of("key_nobody"))).lines()).isEmpty();
        });
    }

    @Test
    void series_leave_out_sessions_outside_the_window_and_other_keys() {
        Caller key = Caller.of(ApiKeyId.of("key_series_" + UUID.randomUUID()));
        Instant hour = Instant.parse("2026-09-02T10:00:00Z");
        seedSeries(key, hour);

        holds(() -> {
            assertThat(at(store.series(query("sessions", "role", "1h", hour, hour.plusSeconds(7200)), key), "analyst",
                    hour.plusSeconds(3600))).isEqualTo(2.0);
            Series firstHour = store.series(query("sessions", "role", "5m", hour, hour.plusSeconds(3600)), key);
            assertThat(firstHour.lines()).extracting(Series.Line::group).containsExactly("primary");
            assertThat(firstHour.lines().getFirst().points()).extracting(Series.Point::bucket)
                    .containsExactly(hour.plusSeconds(5 * 60), hour.plusSeconds(20 * 60));
            assertThat(store.series(query("sessions", "role", "1h", hour, hour.plusSeconds(7200)),
                    Caller.of(ApiKeyId.of("key_nobody"))).lines()).isEmpty();
        });
    }

    @Test
    void distributions_count_known_sessions_into_the_metrics_bins_within_the_window_and_key() {
        // given two primary sessions (50 and 30 tokens/s, gap p99 20 and 40 ms) in the first hour, an
        // analyst session (20 tokens/s, gap p99 10 ms) and a failed one without figures in the second
        Caller key = Caller.of(ApiKeyId.of("key_series_" + UUID.randomUUID()));
        Instant hour = Instant.parse("2026-09-03T10:00:00Z");
        seedSeries(key, hour);

        holds(() -> {
            // when
            Distribution rate = store.distribution(new DistributionQuery(DistributionQuery.Metric.TOKENS_PER_SECOND,
                    SeriesQuery.GroupBy.ROLE, hour, hour.plusSeconds(7200)), key);
            Distribution gap = store.distribution(new DistributionQuery(DistributionQuery.Metric.GAP_P99,
                    SeriesQuery.GroupBy.MODEL, hour, hour.plusSeconds(3600)), key);

            // then a value on a bound falls in the bin it opens, as width_bucket counts
            assertThat(rate.lines()).extracting(Distribution.Line::group).containsExactly("analyst", "primary");
            assertThat(rate.lines().get(0).counts()).isEqualTo(counts(14, Map.of(5, 1L)));
            assertThat(rate.lines().get(1).counts()).isEqualTo(counts(14, Map.of(6, 1L, 8, 1L)));
            assertThat(gap.lines()).singleElement().satisfies(line -> {
                assertThat(line.group()).isEqualTo("gpt-4o");
                assertThat(line.counts()).isEqualTo(counts(13, Map.of(2, 2L)));
                assertThat(line.sessions()).isEqualTo(2);
            });
            assertThat(store.distribution(new DistributionQuery(DistributionQuery.Metric.GAP_P99, SeriesQuery.GroupBy.MODEL,
                    hour, hour.plusSeconds(7200)), Caller.of(ApiKeyId.of("key_nobody"))).lines()).isEmpty();
        });
    }

    private static List<Long> counts(int bins, Map<Integer, Long> filled) {
        var counts = new ArrayList<Long>(java.util.Collections.nCopies(bins, 0L));
        filled.forEach(counts::set);
        return counts;
    }

    /** Opens a session and ends it completed with the answer "Four.", as the tests of what follows an end need. */
    private void completedWithAnswer(SessionId id) {
        store.opened(TestSessions.opened(id, ANYONE, AgentRole.PRIMARY, T0));
        store.closed(new SessionClosed(TestSessions.completed(id, AgentRole.PRIMARY, T0, 100), "Four.", Optional.empty(),
                Optional.empty()));
    }

    /** The running session once the given progress has landed (the start and the progress are two writes). */
    private RunningSession runningWithProgress(SessionId id, String partialText) {
        var found = new AtomicReference<RunningSession>();
        holds(() -> {
            RunningSession running = store.running().stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            assertThat(running.lastProgress()).map(SessionProgress::partialText).contains(partialText);
            found.set(running);
        });
        return found.get();
    }

    /**
     * Returns once every record accepted before it is stored: stores write in order, so a marker
     * session opened now and found means everything before it has been written (or refused).
     */
    private void afterEverythingAcceptedSoFar() {
        SessionId marker = newId();
        store.opened(TestSessions.opened(marker, ANYONE, AgentRole.PRIMARY, T0));
        holds(() -> assertThat(store.find(marker, ANYONE)).isPresent());
    }

    private static SessionProgress progress(SessionId id, String text, long outputTokens, Instant at) {
        Usd cost = TestSessions.GPT_PRICE.costOf(TokenCount.of(20), TokenCount.of(outputTokens));
        return new SessionProgress(id, TestCatalog.GPT_4O, 1, 2, text, TokenCount.of(20), TokenCount.of(outputTokens), cost,
                Optional.of(T0.plusMillis(100)), at);
    }
}
