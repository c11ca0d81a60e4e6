package dev.vctt.stream.application.service;

import static dev.vctt.stream.application.testing.TestCatalog.CLAUDE;
import static dev.vctt.stream.application.testing.TestCatalog.GPT_4O;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.vctt.stream.application.port.ToolCallRecord;
import dev.vctt.stream.application.port.in.StartStreamCommand;
import dev.vctt.stream.application.port.in.StreamChunk;
import dev.vctt.stream.application.port.in.StreamCompleted;
import dev.vctt.stream.application.port.in.StreamFellBack;
import dev.vctt.stream.application.port.in.StreamToolCall;
import dev.vctt.stream.application.port.in.StreamToolResult;
import dev.vctt.stream.application.port.out.ToolDefinition;
import dev.vctt.stream.application.port.out.ToolOutcome;
import dev.vctt.stream.application.testing.InMemoryChunkLog;
import dev.vctt.stream.application.testing.InMemoryApiKeyStore;
import dev.vctt.stream.application.testing.InMemorySessionStore;
import dev.vctt.stream.application.testing.InMemorySpendLedger;
import dev.vctt.stream.application.testing.ManualScheduler;
import dev.vctt.stream.application.testing.NoTokenizer;
import dev.vctt.stream.application.testing.RecordingStreamEvents;
import dev.vctt.stream.application.testing.RecordingStreamMetrics;
import dev.vctt.stream.application.testing.ScriptedLlmProvider;
import dev.vctt.stream.application.testing.ScriptedStream;
import dev.vctt.stream.application.testing.ScriptedToolExecutor;
import dev.vctt.stream.application.testing.SequentialIds;
import dev.vctt.stream.application.testing.SteppingClock;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.domain.access.ApiKeyId;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.access.ClientId;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.FallbackRule;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.session.FinishReason;
import dev.vctt.stream.domain.tool.ToolResultCap;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolLoopTest {

    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ClientId CLIENT = ClientId.of("c-1");
    private static final ToolDefinition ECHO = ScriptedToolExecutor.tool("everything", "echo");
    private static final ToolDefinition SUM = ScriptedToolExecutor.tool("everything", "get-sum");
    private static final ToolDefinition ENV = ScriptedToolExecutor.tool("everything", "get-env");

    private final ScriptedLlmProvider openai = new ScriptedLlmProvider();
    private final ScriptedLlmProvider anthropic = new ScriptedLlmProvider();
    private final ScriptedToolExecutor tools = new ScriptedToolExecutor(ECHO, SUM, ENV);
    private final SteppingClock clock = new SteppingClock(T0, Duration.ofMillis(10));
    private final ActiveStreams active = new ActiveStreams(4);
    private final RecordingStreamEvents events = new RecordingStreamEvents();
    private final ManualScheduler scheduler = new ManualScheduler();
    private final InMemorySpendLedger ledger = new InMemorySpendLedger();
    private final InMemorySessionStore sessions = new InMemorySessionStore();
    private final ConnectClientService clients = new ConnectClientService(active);
    private final CancelStreamService cancels = new CancelStreamService(active);

    private StartStreamService service(int maxSteps, int resultBytes, BudgetSettings budgets) {
        // the server allows echo and get-sum only: get-env is listed by the server but never offered
        var settings = new ToolSettings(tools, Map.of("everything", Set.of("echo", "get-sum")), maxSteps,
                Duration.ofSeconds(5), resultBytes);
        var deps = new StreamDependencies(Map.of(ProviderId.OPENAI, openai, ProviderId.ANTHROPIC, anthropic),
                TestCatalog.prices(), new NoTokenizer(), new FallbackRule(Duration.ofSeconds(10)), scheduler,
                sessions, ledger, new RecordingStreamMetrics(), clock, active,
                new InMemoryChunkLog(clock), ResumeSettings.DEFAULTS, settings);
        clients.connect(CLIENT);
        return new StartStreamService(new RequestPolicy(new RequestLimits(1000, 1000, 10, 10_000, 4096)),
                TestCatalog.everyRoleTo(GPT_4O, CLAUDE), budgets, deps, new SequentialIds(),
                new LiveKeys(new InMemoryApiKeyStore(), scheduler, Duration.ofSeconds(5)));
    }

    private StartStreamService service() {
        return service(8, 64 * 1024, BudgetSettings.NONE);
    }

    private void start(StartStreamService service, Caller caller) {
        service.start(new StartStreamCommand(CLIENT, caller, StreamRequestDraft.ofMessage("add 2 and 3"),
                Optional.empty()), events);
    }

    @Test
    void a_tool_step_runs_the_tool_and_the_next_step_goes_on_in_the_same_session_and_index_sequence() {
        // given
        start(service(), Caller.ANONYMOUS);
        ScriptedStream first = openai.nextCall();
        assertThat(first.request().tools()).extracting(ToolDefinition::name).containsExactly("echo", "get-sum");

        // when: the model writes, calls get-sum, the tool answers, the model finishes
        first.delta("Let me add. ").toolCall("call_1", "get-sum", "{\"a\":2,\"b\":3}").usage(10, 5)
                .complete(FinishReason.TOOL_CALLS);
        ScriptedToolExecutor.Call call = tools.nextCall();
        assertThat(call.tool().name()).isEqualTo("get-sum");
        assertThat(call.argumentsJson()).isEqualTo("{\"a\":2,\"b\":3}");
        call.answer("The sum of 2 and 3 is 5.");
        ScriptedStream second = openai.nextCall();
        second.delta("It is 5.").usage(30, 4).complete(FinishReason.STOP);

        // then: the model was given its own call and the result, in order
        assertThat(second.request().conversation()).containsExactly(
                new ChatTurn(ChatRole.USER, "add 2 and 3"),
                ChatTurn.callingTools("Let me add. ", List.of(new ToolUse("call_1", "get-sum", "{\"a\":2,\"b\":3}"))),
                ChatTurn.replying(List.of(new ToolReply("call_1", "The sum of 2 and 3 is 5.", false))));
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(events.of(StreamChunk.class)).extracting(StreamChunk::index, StreamChunk::text)
                .containsExactly(tuple(0, "Let me add. "), tuple(1, "It is 5."));
        StreamToolCall toolCall = events.of(StreamToolCall.class).getFirst();
        assertThat(toolCall).extracting(StreamToolCall::toolCallId, StreamToolCall::server, StreamToolCall::name,
                StreamToolCall::index).containsExactly("call_1", "everything", "get-sum", 1);
        StreamToolResult result = events.of(StreamToolResult.class).getFirst();
        assertThat(result).extracting(StreamToolResult::ok, StreamToolResult::content, StreamToolResult::truncated,
                StreamToolResult::index).containsExactly(true, "The sum of 2 and 3 is 5.", false, 1);
        assertThat(events.all()).map(event -> event.getClass().getSimpleName()).containsExactly("StreamStarted",
                "StreamChunk", "StreamToolCall", "StreamToolResult", "StreamChunk", "StreamCompleted");
        assertThat(completed.fullText()).isEqualTo("Let me add. It is 5.");
        assertThat(completed.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(completed.steps()).isEqualTo(2);
        assertThat(completed.toolCalls()).isEqualTo(1);
        assertThat(completed.usage().input().value()).isEqualTo(40);
        assertThat(completed.usage().output().value()).isEqualTo(9);
        assertThat(ledger.entriesOf(completed.sessionId())).hasSize(2);
    }

    @Test
    void the_session_record_lists_each_tool_call_with_its_step_outcome_size_and_time_but_not_its_content() {
        // given: a cap of 10 bytes
        start(service(8, 10, BudgetSettings.NONE), Caller.ANONYMOUS);

        // when: step 1 calls get-sum (a longer answer) and get-env (never offered); step 2 answers
        openai.nextCall().toolCall("call_1", "get-sum", "{\"a\":2,\"b\":3}").toolCall("call_2", "get-env", "{}")
                .usage(10, 5).complete(FinishReason.TOOL_CALLS);
        tools.nextCall().answer("The sum of 2 and 3 is 5.");
        openai.nextCall().delta("5.").usage(30, 4).complete(FinishReason.STOP);

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        List<ToolCallRecord> calls = sessions.find(completed.sessionId(), Caller.ANONYMOUS).orElseThrow().toolCalls();
        assertThat(calls).extracting(ToolCallRecord::step, ToolCallRecord::toolCallId, ToolCallRecord::server,
                ToolCallRecord::name, ToolCallRecord::outcome, ToolCallRecord::ok, ToolCallRecord::truncated,
                ToolCallRecord::bytes).containsExactlyInAnyOrder(
                tuple(1, "call_1", "everything", "get-sum", "answered", true, true, 24L),
                tuple(1, "call_2", "", "get-env", "failed", false, true, 0L)); // its error text was cut too
        assertThat(calls).filteredOn(call -> call.name().equals("get-sum"))
                .allSatisfy(call -> assertThat(call.durationMs()).isPositive());
    }

    @Test
    void parallel_tool_calls_of_one_step_run_at_the_same_time() {
        // given
        start(service(), Caller.ANONYMOUS);

        // when
        openai.nextCall().toolCall("a", "echo", "{\"message\":\"x\"}").toolCall("b", "get-sum", "{\"a\":1,\"b\":1}")
                .complete(FinishReason.TOOL_CALLS);

        // then: both calls are out before either is answered
        ScriptedToolExecutor.Call echo = tools.nextCall();
        ScriptedToolExecutor.Call sum = tools.nextCall();
        sum.answer("2");
        assertThat(openai.callCount()).isEqualTo(1);
        echo.answer("Echo: x");
        ScriptedStream next = openai.nextCall();
        assertThat(next.request().conversation().getLast().toolReplies()).extracting(ToolReply::toolUseId)
                .containsExactly("a", "b");
        next.delta("ok").complete(FinishReason.STOP);
        assertThat(events.await(StreamCompleted.class).toolCalls()).isEqualTo(2);
    }

    @Test
    void a_request_with_enable_tools_false_is_offered_no_tool_and_a_call_is_refused() {
        // given
        var draft = new StreamRequestDraft(Optional.of("add 2 and 3"), Optional.empty(), java.util.OptionalDouble.empty(),
                Optional.empty(), Optional.of(false), Optional.empty(), java.util.OptionalLong.empty());
        service().start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS, draft, Optional.empty()), events);
        ScriptedStream first = openai.nextCall();
        assertThat(first.request().tools()).isEmpty();

        // when: the model calls a tool anyway
        first.toolCall("x", "get-sum", "{}").complete(FinishReason.TOOL_CALLS);

        // then: nothing runs; the answer ends as the model ended it
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(tools.pending()).isZero();
        assertThat(events.of(StreamToolCall.class)).isEmpty();
        assertThat(completed.toolCalls()).isZero();
    }

    @Test
    void a_tool_the_allow_list_does_not_name_is_refused_without_reaching_the_server() {
        // given
        start(service(), Caller.ANONYMOUS);

        // when: the model calls get-env anyway
        openai.nextCall().toolCall("e", "get-env", "{}").complete(FinishReason.TOOL_CALLS);
        ScriptedStream next = openai.nextCall();

        // then
        assertThat(tools.pending()).isZero();
        StreamToolResult refused = events.await(StreamToolResult.class);
        assertThat(refused.ok()).isFalse();
        assertThat(refused.content()).contains("not available");
        assertThat(next.request().conversation().getLast().toolReplies().getFirst().error()).isTrue();
        next.delta("sorry").complete(FinishReason.STOP);
        events.await(StreamCompleted.class);
    }

    @Test
    void a_key_without_the_tool_in_its_own_list_is_offered_no_tool() {
        start(service(), new Caller(Optional.of(ApiKeyId.of("k1")), Optional.empty(), Optional.of(Set.of("echo"))));

        assertThat(openai.nextCall().request().tools()).extracting(ToolDefinition::name).containsExactly("echo");
    }

    @Test
    void a_result_over_the_cap_is_cut_marked_to_the_model_and_flagged_to_the_client() {
        // given
        start(service(8, 10, BudgetSettings.NONE), Caller.ANONYMOUS);
        openai.nextCall().toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);

        // when
        tools.nextCall().answer("0123456789ABCDEF");

        // then
        StreamToolResult result = events.await(StreamToolResult.class);
        assertThat(result.content()).isEqualTo("0123456789");
        assertThat(result.truncated()).isTrue();
        ToolReply reply = openai.nextCall().request().conversation().getLast().toolReplies().getFirst();
        assertThat(reply.content()).isEqualTo("0123456789" + ToolResultCap.MARKER.formatted(10));
    }

    @Test
    void a_tool_error_or_timeout_goes_back_to_the_model_as_an_error_result() {
        start(service(), Caller.ANONYMOUS);
        openai.nextCall().toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);

        tools.nextCall().end(new ToolOutcome.TimedOut());

        ToolReply reply = openai.nextCall().request().conversation().getLast().toolReplies().getFirst();
        assertThat(reply.error()).isTrue();
        assertThat(reply.content()).contains("did not answer within 5000 ms");
        assertThat(events.await(StreamToolResult.class).ok()).isFalse();
    }

    @Test
    void the_stream_ends_with_tool_steps_when_the_model_still_asks_for_tools_at_the_step_limit() {
        // given: at most two model steps
        start(service(2, 1024, BudgetSettings.NONE), Caller.ANONYMOUS);
        openai.nextCall().toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);
        tools.nextCall().answer("1");

        // when
        openai.nextCall().toolCall("b", "echo", "{}").complete(FinishReason.TOOL_CALLS);

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.finishReason()).isEqualTo(FinishReason.TOOL_STEPS);
        assertThat(completed.steps()).isEqualTo(2);
        assertThat(tools.pending()).isZero();
        assertThat(openai.callCount()).isEqualTo(2);
    }

    @Test
    void a_disconnect_past_the_resume_grace_during_a_tool_call_stops_the_call_and_ends_the_stream_cancelled() {
        // given
        start(service(), Caller.ANONYMOUS);
        openai.nextCall().delta("working").toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);
        ScriptedToolExecutor.Call call = tools.nextCall();
        var sessionId = events.of(StreamToolCall.class).getFirst().sessionId();

        // when: the client goes and nobody resumes within the grace
        clients.disconnect(CLIENT);
        assertThat(call.cancelled()).as("the grace has not run out yet").isFalse();
        scheduler.runAll();

        // then
        assertThat(call.cancelled()).isTrue();
        assertThat(sessions.find(sessionId, Caller.ANONYMOUS).orElseThrow().status()).isEqualTo("cancelled");
        assertThat(sessions.find(sessionId, Caller.ANONYMOUS).orElseThrow().toolCalls())
                .extracting(ToolCallRecord::outcome).containsExactly("cancelled");
        assertThat(openai.callCount()).isEqualTo(1);
    }

    @Test
    void cancel_during_a_tool_call_stops_the_call_and_ends_the_stream_cancelled() {
        // given
        start(service(), Caller.ANONYMOUS);
        openai.nextCall().delta("working").toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);
        ScriptedToolExecutor.Call call = tools.nextCall();

        // when
        cancels.cancel(new dev.vctt.stream.application.port.in.CancelStreamCommand(CLIENT,
                events.of(StreamToolCall.class).getFirst().sessionId()));

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(call.cancelled()).isTrue();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(openai.callCount()).isEqualTo(1);
    }

    @Test
    void a_cancel_that_comes_between_the_tool_call_event_and_the_call_still_stops_the_call() {
        // given: a client that cancels the moment it hears of the tool call, before the call has started
        var cancelling = new RecordingStreamEvents() {
            @Override
            public synchronized void toolCalled(StreamToolCall event) {
                super.toolCalled(event);
                cancels.cancel(new dev.vctt.stream.application.port.in.CancelStreamCommand(CLIENT, event.sessionId()));
            }
        };
        service().start(new StartStreamCommand(CLIENT, Caller.ANONYMOUS, StreamRequestDraft.ofMessage("add 2 and 3"),
                Optional.empty()), cancelling);

        // when the model asks for a tool
        openai.nextCall().delta("working").toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);

        // then the call that started after the cancel is stopped, and the stream ends cancelled
        ScriptedToolExecutor.Call call = tools.nextCall();
        StreamCompleted completed = cancelling.await(StreamCompleted.class);
        assertThat(call.cancelled()).isTrue();
        assertThat(completed.finishReason()).isEqualTo(FinishReason.CANCELLED);
        assertThat(openai.callCount()).isEqualTo(1);
    }

    @Test
    void a_step_that_does_not_fit_the_budget_ends_the_stream_with_budget() {
        // given: a daily budget that holds the first step's worst case but not a second one
        var budget = new BudgetSettings(Optional.of(Usd.of("0.10")), Optional.empty(), 4000);
        start(service(8, 1024, budget), Caller.ANONYMOUS);
        openai.nextCall().delta("x").toolCall("a", "echo", "{}").complete(FinishReason.TOOL_CALLS);

        // when
        tools.nextCall().answer("y");

        // then
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.finishReason()).isEqualTo(FinishReason.BUDGET);
        assertThat(openai.callCount()).isEqualTo(1);
    }

    @Test
    void a_provider_failure_after_a_tool_step_falls_back_with_the_conversation_so_far() {
        // given
        start(service(), Caller.ANONYMOUS);
        openai.nextCall().delta("Let me add. ").toolCall("a", "get-sum", "{\"a\":2,\"b\":3}")
                .complete(FinishReason.TOOL_CALLS);
        tools.nextCall().answer("5");

        // when: the next step fails before writing anything
        openai.nextCall().fail(FailureKind.OVERLOADED, "overloaded");

        // then: the next model gets the tool step and goes on
        ScriptedStream fallback = anthropic.nextCall();
        assertThat(fallback.request().conversation()).hasSize(3);
        assertThat(fallback.request().conversation().getLast().toolReplies()).extracting(ToolReply::content)
                .containsExactly("5");
        assertThat(events.await(StreamFellBack.class).atIndex()).isEqualTo(1);
        fallback.delta("It is 5.").complete(FinishReason.STOP);
        StreamCompleted completed = events.await(StreamCompleted.class);
        assertThat(completed.fullText()).isEqualTo("Let me add. It is 5.");
        assertThat(completed.steps()).isEqualTo(2);
    }
}
