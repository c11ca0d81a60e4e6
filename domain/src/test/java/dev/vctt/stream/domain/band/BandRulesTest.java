package dev.vctt.stream.domain.band;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.RequestLimits;
import dev.vctt.stream.domain.request.RequestPolicy;
import dev.vctt.stream.domain.request.SmoothingDraft;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.smoothing.Smoothing;
import java.util.Optional;
import java.util.OptionalLong;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BandRulesTest {

    private final BandPolicy policy = new BandPolicy(new RequestPolicy(RequestLimits.DEFAULTS), new BandLimits(5, 60_000));

    @Test
    void a_bare_question_gets_the_three_thinking_roles_with_synthesis_and_verification() {
        // when
        BandCheck check = policy.check(BandRequestDraft.ofMessage("Should we?"));

        // then
        BandRequest request = ((BandCheck.Valid) check).request();
        assertThat(request.roles()).containsExactly(AgentRole.ANALYST, AgentRole.RELATIONAL, AgentRole.ETHICS);
        assertThat(request.synthesis()).isTrue();
        assertThat(request.verification()).isTrue();
        assertThat(request.quorum()).isEqualTo(3);
        assertThat(request.memberTimeout()).isEmpty();
        assertThat(request.forMember(AgentRole.ETHICS).role()).isEqualTo(AgentRole.ETHICS);
    }

    @Test
    void every_member_inherits_the_band_s_smoothing() {
        // given
        var question = StreamRequestDraft.ofMessage("Should we?").withSmooth(SmoothingDraft.of("line", 40));

        // when
        BandCheck check = policy.check(new BandRequestDraft(question, Optional.empty(), Optional.empty(),
                Optional.empty(), OptionalLong.empty(), OptionalLong.empty()));

        // then
        BandRequest request = ((BandCheck.Valid) check).request();
        assertThat(request.forMember(AgentRole.ANALYST).smoothing().map(Smoothing::describe)).contains("line:40");
    }

    @Test
    void every_broken_rule_is_named() {
        // given
        BandRequestDraft draft = BandRequestDraft.ofMessage(" ")
                .withRoles(List.of("analyst", "poet", "ethics", "primary", "relational", "analyst"))
                .withQuorum(0).withMemberTimeoutMs(70_000).withSynthesis(false).withVerification(true);

        // when
        BandCheck check = policy.check(draft);

        // then
        assertThat(((BandCheck.Invalid) check).describe())
                .contains("message: must not be blank", "roles: must name at most 5 roles", "roles[1]: must be an agent role",
                        "verification: needs synthesis", "quorum: must be between 1", "memberTimeoutMs: must be between 1 and 60000");
    }

    @Test
    void a_band_asking_for_tools_is_refused_and_one_saying_no_tools_is_not() {
        // given
        StreamRequestDraft withTools = new StreamRequestDraft(Optional.of("Should we?"), Optional.empty(),
                OptionalDouble.empty(), Optional.empty(), Optional.of(true), Optional.empty(), OptionalLong.empty());
        StreamRequestDraft withoutTools = new StreamRequestDraft(Optional.of("Should we?"), Optional.empty(),
                OptionalDouble.empty(), Optional.empty(), Optional.of(false), Optional.empty(), OptionalLong.empty());

        // when
        BandCheck asked = policy.check(BandRequestDraft.ofMessage("x").withQuestion(withTools));
        BandCheck declined = policy.check(BandRequestDraft.ofMessage("x").withQuestion(withoutTools));

        // then
        assertThat(((BandCheck.Invalid) asked).describe()).contains("enableTools: band members are offered no tools");
        assertThat(declined).isInstanceOf(BandCheck.Valid.class);
        assertThat(((BandCheck.Valid) declined).request().forMember(AgentRole.ANALYST).toolsEnabled()).isFalse();
    }

    @Test
    void quorum_and_timeout_are_kept_and_verification_follows_synthesis() {
        // when
        BandCheck check = policy.check(BandRequestDraft.ofMessage("q").withRoles(List.of("analyst", "analyst"))
                .withQuorum(1).withMemberTimeoutMs(2_000).withSynthesis(false));

        // then
        BandRequest request = ((BandCheck.Valid) check).request();
        assertThat(request.quorum()).isEqualTo(1);
        assertThat(request.memberTimeout()).contains(Duration.ofSeconds(2));
        assertThat(request.synthesis()).isFalse();
        assertThat(request.verification()).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "3, 0, 0, 3, false",
            "3, 2, 2, 3, false",
            "3, 3, 1, 3, true",
            "3, 2, 2, 2, true",
            "3, 1, 0, 1, false",
            "5, 1, 1, 1, true",
    })
    void synthesis_starts_when_every_member_ended_or_the_quorum_answered(int members, int ended, int answered, int quorum,
                                                                          boolean ready) {
        assertThat(BandProgress.readyForSynthesis(members, ended, answered, quorum)).isEqualTo(ready);
    }

    @Test
    void the_reservation_is_the_members_pool_plus_the_synthesis_and_verification_shares() {
        // when
        BandBudget budget = BandBudget.split(List.of(Usd.of("0.10"), Usd.of("0.20"), Usd.of("0.05")), Usd.of("0.30"),
                Usd.of("0.40"));

        // then
        assertThat(budget.members()).isEqualTo(Usd.of("0.35"));
        assertThat(budget.total()).isEqualTo(Usd.of("1.05"));
        assertThat(budget.membersSpent(Usd.of("0.3499"))).isFalse();
        assertThat(budget.membersSpent(Usd.of("0.35"))).isTrue();
        assertThat(BandBudget.aggregatorInput(TokenCount.of(10), List.of(TokenCount.of(100), TokenCount.of(200))))
                .isEqualTo(TokenCount.of(310).plus(BandBudget.PROMPT_OVERHEAD));
    }

    @Test
    void the_synthesis_prompt_quotes_every_answer_and_names_the_missing_voices() {
        // given
        var voices = List.of(new Voice(AgentRole.ANALYST, ModelId.of("m1"), "Numbers say yes."),
                new Voice(AgentRole.ETHICS, ModelId.of("m2"), "Only if it is fair."));

        // when
        List<ChatTurn> prompt = SynthesisPrompt.assemble("Should we?", voices, List.of("relational"));

        // then
        assertThat(prompt).hasSize(2);
        assertThat(prompt.get(0).role()).isEqualTo(ChatRole.SYSTEM);
        assertThat(prompt.get(1).content()).contains("Should we?", "Answer 1 (analyst):\nNumbers say yes.",
                "Answer 2 (ethics):\nOnly if it is fair.", "Missing voices: relational");
    }

    @Test
    void the_judge_sees_the_answers_in_the_order_its_seed_gives_and_every_answer_once() {
        // given
        var voices = List.of(new Voice(AgentRole.ANALYST, ModelId.of("m"), "A-answer"),
                new Voice(AgentRole.RELATIONAL, ModelId.of("m"), "R-answer"),
                new Voice(AgentRole.ETHICS, ModelId.of("m"), "E-answer"),
                new Voice(AgentRole.PRIMARY, ModelId.of("m"), "P-answer"));

        // when
        List<ChatTurn> once = JudgePrompt.assemble("q", "the synthesis", voices, new Random(42));
        List<ChatTurn> again = JudgePrompt.assemble("q", "the synthesis", voices, new Random(42));
        List<Voice> order = JudgePrompt.shuffled(voices, new Random(42));

        // then
        assertThat(once).isEqualTo(again);
        assertThat(order).containsExactlyInAnyOrderElementsOf(voices).isNotEqualTo(voices);
        String user = once.get(1).content();
        assertThat(user.indexOf(order.get(0).answer())).isLessThan(user.indexOf(order.get(1).answer()));
        assertThat(user).contains("Synthesis to judge:\nthe synthesis");
        assertThat(once.get(0).content()).contains("SCORE:", "FLAGS:");
    }
}
