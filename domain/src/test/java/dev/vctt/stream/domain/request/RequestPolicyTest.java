package dev.vctt.stream.domain.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RequestPolicyTest {

    private static final RequestLimits LIMITS = new RequestLimits(100, 50, 3, 60, 1000);
    private final RequestPolicy policy = new RequestPolicy(LIMITS);

    static Stream<Arguments> broken_rules() {
        return Stream.of(
                broken("message absent", d -> new StreamRequestDraft(Optional.empty(), d.systemPrompt(), d.temperature(),
                        d.agentRole(), d.enableTools(), d.history(), d.maxTokens()), "message", "is required"),
                broken("message blank", d -> StreamRequestDraft.ofMessage(" \t\n"), "message", "must not be blank"),
                broken("message too long", d -> StreamRequestDraft.ofMessage("x".repeat(101)), "message",
                        "must be at most 100 characters"),
                broken("temperature below 0", d -> d.withTemperature(-0.01), "temperature", "must be between 0 and 2"),
                broken("temperature above 2", d -> d.withTemperature(2.01), "temperature", "must be between 0 and 2"),
                broken("unknown role", d -> d.withAgentRole("critic"), "agentRole",
                        "must be one of primary, analyst, relational, ethics, synthesiser, verification"),
                broken("role in wrong case", d -> d.withAgentRole("Analyst"), "agentRole", "must be one of"),
                broken("system prompt too long", d -> d.withSystemPrompt("s".repeat(51)), "systemPrompt",
                        "must be at most 50 characters"),
                broken("too many history entries", d -> d.withHistory(List.of(turn("user", "a"), turn("assistant", "b"),
                        turn("user", "c"), turn("assistant", "d"))), "history", "must have at most 3 entries"),
                broken("history too long in all", d -> d.withHistory(List.of(turn("user", "a".repeat(31)),
                        turn("assistant", "b".repeat(30)))), "history", "must have at most 60 characters in all"),
                broken("history role unknown", d -> d.withHistory(List.of(turn("user", "a"), turn("tool", "b"))),
                        "history[1].role", "must be one of system, user, assistant"),
                broken("history role absent", d -> d.withHistory(List.of(turn(null, "a"))), "history[0].role",
                        "must be one of"),
                broken("history content absent", d -> d.withHistory(List.of(turn("user", null))), "history[0].content",
                        "is required"),
                broken("max tokens zero", d -> d.withMaxTokens(0), "maxTokens", "must be between 1 and 1000"),
                broken("max tokens above the limit", d -> d.withMaxTokens(1001), "maxTokens", "must be between 1 and 1000"),
                broken("onDisconnect unknown", d -> d.withOnDisconnect("pause"), "onDisconnect", "must be continue or cancel"),
                broken("smooth chunking unknown", d -> d.withSmooth(SmoothingDraft.of("sentence", 30)), "smooth.chunking",
                        "must be one of none, word, line"),
                broken("smooth window negative", d -> d.withSmooth(SmoothingDraft.of("word", -1)), "smooth.maxDelayMs",
                        "must be between 0 and 1000"),
                broken("smooth window too long", d -> d.withSmooth(SmoothingDraft.of("word", 1001)), "smooth.maxDelayMs",
                        "must be between 0 and 1000"));
    }

    private static Arguments broken(String name, UnaryOperator<StreamRequestDraft> change, String field, String problem) {
        return Arguments.of(name, change, field, problem);
    }

    private static HistoryEntryDraft turn(String role, String content) {
        return HistoryEntryDraft.of(role, content);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken_rules")
    void every_broken_rule_is_a_violation_naming_its_field(String name, UnaryOperator<StreamRequestDraft> change,
                                                            String field, String problem) {
        // given
        StreamRequestDraft draft = change.apply(StreamRequestDraft.ofMessage("Explain quantum computing"));

        // when
        RequestCheck check = policy.check(draft);

        // then
        assertThat(check).isInstanceOf(RequestCheck.Invalid.class);
        List<Violation> violations = ((RequestCheck.Invalid) check).violations();
        assertThat(violations).hasSize(1);
        assertThat(violations.getFirst().field()).isEqualTo(field);
        assertThat(violations.getFirst().problem()).startsWith(problem);
    }

    @ParameterizedTest(name = "{0} + {1} → {2}")
    @CsvSource(nullValues = "-", textBlock = """
            word, 20,   word:20
            line, 1000, line:1000
            none, 50,   none:50
            -,    40,   word:40
            line, -,    line:30
            -,    -,    word:30
            word, 0,    off
            """)
    void smoothing_takes_its_defaults_field_by_field(String chunking, Long maxDelayMs, String expected) {
        var smooth = new SmoothingDraft(Optional.ofNullable(chunking),
                maxDelayMs == null ? OptionalLong.empty() : OptionalLong.of(maxDelayMs));

        RequestCheck check = policy.check(StreamRequestDraft.ofMessage("Hi").withSmooth(smooth));

        assertThat(((RequestCheck.Valid) check).request().smoothing().map(Smoothing::describe)).contains(expected);
    }

    @Test
    void a_request_that_says_nothing_about_smoothing_leaves_it_to_the_server() {
        RequestCheck check = policy.check(StreamRequestDraft.ofMessage("Hi"));

        assertThat(((RequestCheck.Valid) check).request().smoothing()).isEmpty();
    }

    @Test
    void a_minimal_request_gets_the_documented_defaults() {
        RequestCheck check = policy.check(StreamRequestDraft.ofMessage("Hi"));

        assertThat(check).isInstanceOf(RequestCheck.Valid.class);
        StreamRequest request = ((RequestCheck.Valid) check).request();
        assertThat(request.temperature()).isEqualTo(new Temperature(0.7));
        assertThat(request.role()).isEqualTo(AgentRole.PRIMARY);
        assertThat(request.toolsEnabled()).isTrue();
        assertThat(request.history()).isEmpty();
        assertThat(request.maxTokens()).isEmpty();
        assertThat(request.systemPrompt()).isEmpty();
        assertThat(request.onDisconnect()).isEqualTo(DisconnectPolicy.CONTINUE);
        assertThat(request.conversation()).containsExactly(new ChatTurn(ChatRole.USER, "Hi"));
        assertThat(((RequestCheck.Valid) policy.check(StreamRequestDraft.ofMessage("Hi").withOnDisconnect("cancel")))
                .request().onDisconnect()).isEqualTo(DisconnectPolicy.CANCEL);
    }

    @Test
    void a_full_request_keeps_every_field_and_orders_the_conversation() {
        StreamRequestDraft draft = new StreamRequestDraft(Optional.of("And now?"), Optional.of("Be brief."),
                OptionalDouble.of(2.0), Optional.of("verification"), Optional.of(false),
                Optional.of(List.of(turn("user", "Hi"), turn("assistant", "Hello!"))), OptionalLong.of(1000));

        StreamRequest request = ((RequestCheck.Valid) policy.check(draft)).request();

        assertThat(request.temperature().value()).isEqualTo(2.0);
        assertThat(request.role()).isEqualTo(AgentRole.VERIFICATION);
        assertThat(request.toolsEnabled()).isFalse();
        assertThat(request.maxTokens()).hasValue(1000);
        assertThat(request.conversation()).containsExactly(
                new ChatTurn(ChatRole.SYSTEM, "Be brief."),
                new ChatTurn(ChatRole.USER, "Hi"),
                new ChatTurn(ChatRole.ASSISTANT, "Hello!"),
                new ChatTurn(ChatRole.USER, "And now?"));
    }

    @Test
    void a_blank_system_prompt_counts_as_none() {
        StreamRequest request = ((RequestCheck.Valid) policy.check(
                StreamRequestDraft.ofMessage("Hi").withSystemPrompt("   "))).request();

        assertThat(request.systemPrompt()).isEmpty();
    }

    @Test
    void reports_every_broken_rule_at_once() {
        StreamRequestDraft draft = new StreamRequestDraft(Optional.empty(), Optional.empty(), OptionalDouble.of(3),
                Optional.of("boss"), Optional.empty(), Optional.empty(), OptionalLong.of(-5));

        var invalid = (RequestCheck.Invalid) policy.check(draft);

        assertThat(invalid.violations()).extracting(Violation::field)
                .containsExactly("message", "temperature", "agentRole", "maxTokens");
        assertThat(invalid.describe()).startsWith("message: is required; temperature: must be between 0 and 2; ");
    }

    @Test
    void limits_are_exact_at_the_boundary() {
        var entries = new ArrayList<HistoryEntryDraft>();
        entries.add(turn("user", "a".repeat(30)));
        entries.add(turn("assistant", "b".repeat(29)));
        entries.add(turn("system", "c"));
        StreamRequestDraft draft = StreamRequestDraft.ofMessage("x".repeat(100)).withSystemPrompt("s".repeat(50))
                .withHistory(entries).withTemperature(0).withMaxTokens(1);

        assertThat(policy.check(draft)).isInstanceOf(RequestCheck.Valid.class);
    }
}
