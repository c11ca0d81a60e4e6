package dev.vctt.stream.domain.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.domain.routing.ModelId;
import org.junit.jupiter.api.Test;

class AnswerTest {

    private static final ModelId GPT = ModelId.of("gpt-4o");
    private static final ModelId CLAUDE = ModelId.of("claude-sonnet-4-5");

    @Test
    void chunks_keep_their_index_boundaries_and_model_and_add_up_to_the_text() {
        var answer = new Answer();

        int first = answer.append("The", GPT);
        answer.append(" capital", GPT);
        int third = answer.append(" of", CLAUDE);
        answer.append(" France", CLAUDE);

        assertThat(first).isZero();
        assertThat(third).isEqualTo(2);
        assertThat(answer.chunks()).isEqualTo(4);
        assertThat(answer.text()).isEqualTo("The capital of France");
        assertThat(answer.chunk(1)).isEqualTo(" capital");
        assertThat(answer.chunk(3)).isEqualTo(" France");
        assertThat(answer.modelOf(1)).isEqualTo(GPT);
        assertThat(answer.modelOf(2)).isEqualTo(CLAUDE);
        assertThat(answer.textFrom(2)).isEqualTo(" of France");
        assertThat(answer.textFrom(4)).isEmpty();
    }

    @Test
    void grows_past_its_first_capacity_without_losing_a_boundary() {
        var answer = new Answer();
        var expected = new StringBuilder();

        for (int i = 0; i < 1000; i++) {
            answer.append("c" + i + ";", GPT);
            expected.append("c").append(i).append(';');
        }

        assertThat(answer.text()).isEqualTo(expected.toString());
        assertThat(answer.chunk(999)).isEqualTo("c999;");
        assertThat(answer.chunk(31)).isEqualTo("c31;");
        assertThat(answer.chunk(32)).isEqualTo("c32;");
    }

    @Test
    void refuses_empty_chunks_and_indexes_outside_the_log() {
        var answer = new Answer();
        answer.append("a", GPT);

        assertThatThrownBy(() -> answer.append("", GPT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> answer.chunk(1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> answer.textFrom(2)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
