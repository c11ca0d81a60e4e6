package dev.vctt.stream.domain.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingTest {

    private static final ModelRoute GPT = ModelRoute.of("gpt-4o", ProviderId.OPENAI);
    private static final ModelRoute CLAUDE = ModelRoute.of("claude-sonnet-4-5", ProviderId.ANTHROPIC);

    @ParameterizedTest
    @CsvSource({"primary,PRIMARY", "analyst,ANALYST", "relational,RELATIONAL", "ethics,ETHICS",
            "synthesiser,SYNTHESISER", "verification,VERIFICATION"})
    void roles_have_lower_case_wire_names(String wire, AgentRole role) {
        assertThat(role.wireName()).isEqualTo(wire);
        assertThat(AgentRole.fromWireName(wire)).contains(role);
    }

    @Test
    void a_chain_names_its_next_model() {
        FallbackChain chain = FallbackChain.of(GPT, CLAUDE);

        assertThat(chain.first()).isEqualTo(GPT);
        assertThat(chain.after(GPT)).contains(CLAUDE);
        assertThat(chain.after(CLAUDE)).isEmpty();
    }

    @Test
    void a_chain_is_never_empty_and_never_repeats_a_model() {
        assertThatThrownBy(FallbackChain::of).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FallbackChain.of(GPT, CLAUDE, GPT)).hasMessageContaining("gpt-4o appears twice");
    }

    @Test
    void a_route_table_must_cover_every_role() {
        var chains = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            chains.put(role, FallbackChain.of(GPT));
        }
        assertThat(new RouteTable(chains).allModels()).containsExactly(GPT);

        chains.remove(AgentRole.ETHICS);
        assertThatThrownBy(() -> new RouteTable(chains)).hasMessageContaining("ethics");
    }

    @ParameterizedTest
    @CsvSource({"openai,true", "local-llama,true", "OpenAI,false", "'',false", "a b,false", "9x,false"})
    void provider_ids_are_simple_lower_case_names(String name, boolean valid) {
        if (valid) {
            assertThat(ProviderId.of(name).value()).isEqualTo(name);
        } else {
            assertThatThrownBy(() -> ProviderId.of(name)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @CsvSource({"CONNECT,true", "TIMEOUT_CONNECT,true", "TIMEOUT_FIRST_TOKEN,true", "TIMEOUT_IDLE,true",
            "CONNECTION_LOST,true", "REQUEST_TIMEOUT,true", "CONFLICT,true", "RATE_LIMITED,true", "OVERLOADED,true",
            "SERVER_ERROR,true", "STREAM_ERROR_EVENT,true", "MALFORMED_STREAM,true", "BAD_REQUEST,false",
            "UNAUTHORIZED,false", "FORBIDDEN,false", "NOT_FOUND,false", "INTERNAL,false"})
    void retryable_failures_are_those_another_try_may_fix(FailureKind kind, boolean retryable) {
        assertThat(kind.retryable()).isEqualTo(retryable);
    }

    @Test
    void every_failure_kind_is_in_the_table_above() {
        assertThat(FailureKind.values()).hasSize(17);
    }
}
