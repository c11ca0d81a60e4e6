package dev.vctt.stream.domain.band;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "The synthesis is faithful.\\nSCORE: 0.82\\nFLAGS: none|0.82",
            "score = 0.5\\nflags: x|0.5",
            "**Score:** 1\\nFlags: none|1",
            "SCORE: 75%\\nFLAGS: none|0.75",
            "SCORE: 0.9/1|0.9",
            "SCORE: 0.2\\nOn reflection:\\nSCORE: 0.4|0.4",
            "- score: 0|0",
    })
    void reads_the_last_score_line_in_its_usual_shapes(String text, String score) {
        // given a verdict as a model may write it
        String verdict = text.replace("\\n", "\n");

        // when it is read
        Verdict.Reading reading = Verdict.read(verdict);

        // then the score is the number from 0 to 1
        assertThat(reading).isInstanceOfSatisfying(Verdict.Reading.Scored.class,
                scored -> assertThat(scored.verdict().score()).isEqualByComparingTo(new BigDecimal(score)));
    }

    @Test
    void reads_flags_as_snake_case_words_and_none_as_no_flags() {
        // given
        String text = "Mostly fine.\nSCORE: 0.6\nFLAGS: Unsupported claim, missing_voice; `contradiction`.";

        // when
        Verdict.Reading reading = Verdict.read(text);
        Verdict.Reading none = Verdict.read("SCORE: 0.9\nFLAGS: none");

        // then
        assertThat(((Verdict.Reading.Scored) reading).verdict().flags())
                .containsExactly("unsupported_claim", "missing_voice", "contradiction");
        assertThat(((Verdict.Reading.Scored) none).verdict().flags()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "The synthesis looks fine to me.",
            "SCORE: 7",
            "SCORE: high",
            "SCORE: 150%",
    })
    void a_verdict_without_a_score_from_0_to_1_is_unreadable(String text) {
        // when
        Verdict.Reading reading = Verdict.read(text);

        // then
        assertThat(reading).isInstanceOf(Verdict.Reading.Unreadable.class);
    }

    @Test
    void a_verdict_keeps_its_flags_immutable() {
        // given
        var verdict = new Verdict(new BigDecimal("0.5"), List.of("a"));

        // then
        assertThat(verdict.flags()).isUnmodifiable();
    }
}
