package dev.vctt.stream.domain.tool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ToolRulesTest {

    @ParameterizedTest
    @CsvSource({
            "echo,    echo|get-sum, -,    true",
            "get-env, echo|get-sum, -,    false",
            "echo,    echo|get-sum, echo, true",
            "get-sum, echo|get-sum, echo, false",
            "echo,    get-sum,      echo, false",
            "echo,    echo,         '',   false",
    })
    void a_tool_runs_only_when_the_server_and_the_key_both_allow_it(String tool, String server, String key,
                                                                    boolean allowed) {
        Optional<Set<String>> keyTools = "-".equals(key) ? Optional.empty()
                : Optional.of(key.isEmpty() ? Set.of() : Set.of(key.split("\\|")));

        assertThat(ToolAccess.allowed(tool, Set.of(server.split("\\|")), keyTools)).isEqualTo(allowed);
    }

    @ParameterizedTest
    @CsvSource({
            "hello,  5, hello, false",
            "hello,  4, hell,  true",
            "héllo,  2, h,     true",
            "héllo,  3, hé,    true",
            "a😀b,   4, a,     true",
            "a😀b,   5, a😀,   true",
    })
    void a_result_is_cut_to_its_byte_cap_never_inside_a_character(String content, int maxBytes, String kept,
                                                                   boolean truncated) {
        ToolResultCap.Capped capped = ToolResultCap.cap(content, maxBytes);

        assertThat(capped.content()).isEqualTo(kept);
        assertThat(capped.truncated()).isEqualTo(truncated);
        assertThat(capped.forModel(maxBytes)).isEqualTo(truncated ? kept + ToolResultCap.MARKER.formatted(maxBytes) : kept);
    }

    @Test
    void the_model_may_take_steps_up_to_the_limit_and_no_more() {
        assertThat(ToolLoopPolicy.after(1, 2)).isInstanceOf(ToolLoopPolicy.NextStep.RunTools.class);
        assertThat(ToolLoopPolicy.after(2, 2)).isInstanceOf(ToolLoopPolicy.NextStep.StepLimit.class);
        assertThat(ToolLoopPolicy.after(1, 1)).isInstanceOf(ToolLoopPolicy.NextStep.StepLimit.class);
    }

    @Test
    void a_result_is_measured_in_utf8_bytes_as_the_cap_counts_them() {
        assertThat(ToolResultCap.utf8Bytes("")).isZero();
        assertThat(ToolResultCap.utf8Bytes("Echo: hi")).isEqualTo(8);
        assertThat(ToolResultCap.utf8Bytes("é€😀")).isEqualTo(2 + 3 + 4);
    }
}
