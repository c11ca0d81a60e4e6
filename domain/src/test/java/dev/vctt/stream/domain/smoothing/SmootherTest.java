package dev.vctt.stream.domain.smoothing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SmootherTest {

    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @ParameterizedTest(name = "{0} of ''{1}'' → ''{2}''")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            none | 'Hel'                | 'Hel'
            none | 'Hello wor'          | 'Hello wor'
            word | 'Hel'                | ''
            word | 'Hello wor'          | 'Hello '
            word | 'Hello world '       | 'Hello world '
            word | 'Hello  world'       | 'Hello  '
            word | ' world'             | ''
            word | '  '                 | ''
            word | 'one two\\tthree'    | 'one two\\t'
            word | 'a\\nb'              | 'a\\n'
            line | 'no line yet '       | ''
            line | 'one\\ntwo\\nthr'    | 'one\\ntwo\\n'
            line | 'ends\\n'            | 'ends\\n'
            """)
    void cuts_after_the_last_boundary_of_its_chunking(String chunking, String held, String ready) {
        String text = unescape(held);

        int length = Chunking.fromWireName(chunking).orElseThrow().readyLength(text);

        assertThat(text.substring(0, length)).isEqualTo(unescape(ready));
    }

    @ParameterizedTest(name = "''{0}'' → {1}")
    @CsvSource(delimiter = '|', textBlock = """
            off        | off
            word:30    | word:30
            line:50    | line:50
            none:20    | none:20
            word:0     | off
            word:1000  | word:1000
            word:1001  | invalid
            word:-1    | invalid
            word       | invalid
            words:30   | invalid
            word:abc   | invalid
            """)
    void reads_the_server_setting(String text, String expected) {
        assertThat(Smoothing.parse(text).map(Smoothing::describe).orElse("invalid")).isEqualTo(expected);
    }

    @Test
    void the_first_chunk_goes_at_once_whole_even_mid_word() {
        Smoother smoother = Smoother.start(new Smoothing(Chunking.WORD, Duration.ofMillis(30)), 1000);

        Smoother.Step step = smoother.offer("Hel", T0);

        assertThat(step.chunk()).contains("Hel");
        assertThat(step.wakeAt()).isEmpty();
        assertThat(step.next().holds()).isFalse();
    }

    /** Each row: the moment (ms after the first chunk), what arrives ("tick" for a wake-up), and what goes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a burst inside the window waits for it, then goes as whole words | word:30 | 5:"lo ", 10:"wor", 12:"ld and", 30:tick | 30:"lo world "
            a partial word goes once it has waited a window                  | word:30 | 40:"wor", 70:tick                   | 70:"wor"
            a word completed before its window goes with it                  | word:30 | 40:"wor", 50:"ld ", 80:tick          | 50:"world "
            chunks are a window apart however fast deltas come               | word:30 | 31:"a ", 35:"b ", 50:"c ", 61:tick    | 31:"a ", 61:"b c "
            lines wait for their line feed                                   | line:30 | 31:"one ", 40:"two\\nthr", 61:tick  | 40:"one two\\n"
            no chunking coalesces in time only                               | none:30 | 10:"ab", 20:"cd", 30:tick              | 30:"abcd"
            """)
    void lets_text_go_in_windows(String name, String setting, String script, String expected) {
        Smoother smoother = Smoother.start(Smoothing.parse(setting).orElseThrow(), 1000);
        smoother = smoother.offer("Hel", T0).next();
        var sent = new ArrayList<String>();

        for (String event : script.split(",\\s*")) {
            int colon = event.indexOf(':');
            Instant at = T0.plusMillis(Long.parseLong(event.substring(0, colon).strip()));
            String what = event.substring(colon + 1).strip();
            Smoother.Step step = what.equals("tick") ? smoother.tick(at) : smoother.offer(unescape(unquote(what)), at);
            step.chunk().ifPresent(chunk -> sent.add(Duration.between(T0, at).toMillis() + ":\"" + chunk + "\""));
            smoother = step.next();
        }

        assertThat(sent).containsExactly(unescape(expected).split(",\\s*"));
    }

    @Test
    void asks_to_be_woken_when_the_window_opens_and_when_a_partial_word_is_due() {
        Smoother smoother = Smoother.start(new Smoothing(Chunking.WORD, Duration.ofMillis(30)), 1000)
                .offer("Hi ", T0).next();

        Smoother.Step inWindow = smoother.offer("there ", T0.plusMillis(10));
        Smoother.Step partial = inWindow.next().tick(T0.plusMillis(30)).next().offer("ag", T0.plusMillis(45));
        Smoother.Step windowOpen = partial.next().tick(T0.plusMillis(60));

        assertThat(inWindow.wakeAt()).contains(T0.plusMillis(30));
        assertThat(partial.chunk()).isEmpty();
        assertThat(partial.wakeAt()).contains(T0.plusMillis(60));
        assertThat(windowOpen.chunk()).isEmpty();
        assertThat(windowOpen.wakeAt()).contains(T0.plusMillis(75));
    }

    @Test
    void held_text_over_the_cap_goes_at_once_whole() {
        Smoother smoother = Smoother.start(new Smoothing(Chunking.LINE, Duration.ofMillis(50)), 8)
                .offer("x", T0).next();

        Smoother.Step under = smoother.offer("12345678", T0.plusMillis(1));
        Smoother.Step over = under.next().offer("9", T0.plusMillis(2));

        assertThat(under.chunk()).isEmpty();
        assertThat(over.chunk()).contains("123456789");
        assertThat(over.next().holds()).isFalse();
    }

    @Test
    void drain_lets_everything_go_whatever_its_boundaries() {
        Smoother smoother = Smoother.start(new Smoothing(Chunking.WORD, Duration.ofMillis(30)), 1000)
                .offer("a", T0).next()
                .offer("b c", T0.plusMillis(1)).next();

        Smoother.Step drained = smoother.drain();

        assertThat(drained.chunk()).contains("b c");
        assertThat(drained.next().holds()).isFalse();
        assertThat(drained.next().drain().chunk()).isEmpty();
    }

    @Test
    void off_passes_every_delta_through_as_it_came() {
        Smoother smoother = Smoother.start(Smoothing.OFF, 1000);
        var sent = new ArrayList<Optional<String>>();

        for (String delta : List.of("Hel", "lo", " wor")) {
            Smoother.Step step = smoother.offer(delta, T0);
            sent.add(step.chunk());
            smoother = step.next();
        }

        assertThat(sent).containsExactly(Optional.of("Hel"), Optional.of("lo"), Optional.of(" wor"));
    }

    @Test
    void a_window_outside_its_range_is_refused() {
        assertThatThrownBy(() -> new Smoothing(Chunking.WORD, Duration.ofMillis(1001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> Smoother.start(Smoothing.OFF, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHeldChars");
    }

    private static String unquote(String text) {
        return text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    }

    private static String unescape(String text) {
        return text.replace("\\n", "\n").replace("\\t", "\t");
    }
}
