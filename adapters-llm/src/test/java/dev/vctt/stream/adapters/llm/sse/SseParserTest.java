package dev.vctt.stream.adapters.llm.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.adapters.llm.testing.Transcripts;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SseParserTest {

    private final List<SseEvent> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final SseParser parser = new SseParser(new SseParser.Handler() {
        @Override
        public void onEvent(SseEvent event) {
            events.add(event);
        }

        @Override
        public void onComment(String comment) {
            comments.add(comment);
        }
    }, 1024, 4096);

    private List<SseEvent> parse(String text) {
        return parse(text.getBytes(StandardCharsets.UTF_8));
    }

    private List<SseEvent> parse(byte[] bytes) {
        parser.feed(bytes, 0, bytes.length);
        parser.finish();
        return events;
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("LF ends lines", "data: a\n\n", List.of(ev("message", "a"))),
                Arguments.of("CRLF ends lines", "data: a\r\n\r\n", List.of(ev("message", "a"))),
                Arguments.of("a lone CR ends lines", "data: a\r\rdata: b\r\r", List.of(ev("message", "a"), ev("message", "b"))),
                Arguments.of("mixed endings", "data: a\r\ndata: b\rdata: c\n\r\n", List.of(ev("message", "a\nb\nc"))),
                Arguments.of("data lines join with LF", "data: one\ndata: two\ndata: three\n\n", List.of(ev("message", "one\ntwo\nthree"))),
                Arguments.of("only one space is stripped", "data:  two spaces\n\n", List.of(ev("message", " two spaces"))),
                Arguments.of("no space after the colon", "data:tight\n\n", List.of(ev("message", "tight"))),
                Arguments.of("a line without colon is a field with empty value", "data\n\n", List.of(ev("message", ""))),
                Arguments.of("an empty data line still dispatches", "data:\n\n", List.of(ev("message", ""))),
                Arguments.of("an empty data line adds a line", "data\ndata\n\n", List.of(ev("message", "\n"))),
                Arguments.of("event names the type", "event: ping\ndata: {}\n\n", List.of(ev("ping", "{}"))),
                Arguments.of("the type resets after dispatch", "event: a\ndata: 1\n\ndata: 2\n\n", List.of(ev("a", "1"), ev("message", "2"))),
                Arguments.of("an event without data is not dispatched", "event: nothing\n\ndata: x\n\n", List.of(ev("message", "x"))),
                Arguments.of("comments are skipped", ": keep-alive\ndata: x\n: more\n\n", List.of(ev("message", "x"))),
                Arguments.of("unknown fields are ignored", "foo: bar\ndata: x\n\n", List.of(ev("message", "x"))),
                Arguments.of("fields are case sensitive", "Data: x\ndata: y\n\n", List.of(ev("message", "y"))),
                Arguments.of("the colon in the value stays", "data: a: b\n\n", List.of(ev("message", "a: b"))),
                Arguments.of("blank lines without fields do nothing", "\n\n\ndata: x\n\n\n\n", List.of(ev("message", "x"))),
                Arguments.of("an unterminated event at the end is discarded", "data: complete\n\ndata: partial", List.of(ev("message", "complete"))),
                Arguments.of("an event with no blank line after it is discarded", "data: partial\n", List.of()),
                Arguments.of("non-ASCII text decodes as UTF-8", "data: Grüße 東京 🚀\n\n", List.of(ev("message", "Grüße 東京 🚀"))),
                Arguments.of("a BOM inside the stream is content", "data: a\n\n\uFEFFdata: b\n\n", List.of(ev("message", "a"))));
    }

    private static SseEvent ev(String type, String data) {
        return new SseEvent(type, data, "");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void follows_the_whatwg_rules(String rule, String stream, List<SseEvent> expected) {
        assertThat(parse(stream)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}, fed byte by byte")
    @MethodSource("rules")
    void follows_the_whatwg_rules_whatever_the_read_boundaries(String rule, String stream, List<SseEvent> expected) {
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(new byte[] {b}, 0, 1);
        }
        parser.finish();
        assertThat(events).isEqualTo(expected);
    }

    @Test
    void one_leading_bom_is_dropped_even_split_across_reads() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        parser.feed(bom, 0, 1);
        parser.feed(bom, 1, 2);
        byte[] rest = "data: first\n\n".getBytes(StandardCharsets.UTF_8);
        parser.feed(rest, 0, rest.length);

        assertThat(events).containsExactly(ev("message", "first"));
    }

    @Test
    void a_second_bom_is_not_dropped() {
        assertThat(parse("\uFEFF\uFEFFdata: x\n\ndata: y\n\n")).containsExactly(ev("message", "y"));
    }

    @Test
    void bytes_that_only_look_like_a_bom_start_are_content() {
        byte[] bytes = {(byte) 0xEF, 'd', 'a', 't', 'a', ':', 'x', '\n', '\n', 'd', 'a', 't', 'a', ':', 'y', '\n', '\n'};
        assertThat(parse(bytes)).containsExactly(ev("message", "y"));
    }

    @Test
    void a_crlf_split_between_two_reads_is_one_line_end() {
        feed("data: a\r");
        feed("\ndata: b\r");
        feed("\n\r");
        feed("\n");
        assertThat(events).containsExactly(ev("message", "a\nb"));
    }

    @Test
    void the_last_event_id_is_kept_across_events_and_ignores_nul() {
        parse("id: 7\ndata: a\n\ndata: b\n\nid: bad\u0000id\ndata: c\n\nid\ndata: d\n\n");

        assertThat(events).extracting(SseEvent::lastEventId).containsExactly("7", "7", "7", "");
    }

    @Test
    void retry_is_honoured_only_when_all_digits() {
        parse("retry: 1500\n\nretry: 20x\n\n");
        assertThat(parser.retryMillis()).isEqualTo(1500);
    }

    @Test
    void comments_reach_the_handler() {
        parse(": OPENROUTER PROCESSING\n\n");
        assertThat(comments).containsExactly(" OPENROUTER PROCESSING");
        assertThat(events).isEmpty();
    }

    @Test
    void a_line_over_the_limit_is_an_error_not_a_memory_leak() {
        byte[] longLine = ("data: " + "x".repeat(2000)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> parser.feed(longLine, 0, longLine.length))
                .isInstanceOf(SseFormatException.class).hasMessageContaining("1024 bytes");
    }

    @Test
    void an_event_over_the_limit_is_an_error() {
        String line = "data: " + "x".repeat(1000) + "\n";
        assertThatThrownBy(() -> parse(line.repeat(5) + "\n"))
                .isInstanceOf(SseFormatException.class).hasMessageContaining("4096 characters");
    }

    static Stream<String> transcripts() {
        return Transcripts.names().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void parses_every_provider_transcript_the_same_way_whatever_the_line_endings_and_read_sizes(String name) {
        byte[] recorded = Transcripts.bytes(name);
        byte[] lf = lfOnly(recorded);
        List<SseEvent> expected = parseWith(lf, lf.length);
        assertThat(expected).isNotEmpty();
        assertThat(expected).allSatisfy(event -> assertThat(event.data()).isNotEmpty());
        assertThat(expected.size()).isEqualTo(countBlankLineTerminatedEventsWithData(lf));

        String text = new String(lf, StandardCharsets.UTF_8);
        byte[] crlf = text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] cr = text.replace("\n", "\r").getBytes(StandardCharsets.UTF_8);
        byte[] bom = ("\uFEFF" + text).getBytes(StandardCharsets.UTF_8);
        for (int readSize : new int[] {1, 2, 3, 7, 64, 4096}) {
            assertThat(parseWith(lf, readSize)).as("LF, reads of %d", readSize).isEqualTo(expected);
            assertThat(parseWith(crlf, readSize)).as("CRLF, reads of %d", readSize).isEqualTo(expected);
            assertThat(parseWith(cr, readSize)).as("CR, reads of %d", readSize).isEqualTo(expected);
            assertThat(parseWith(bom, readSize)).as("BOM, reads of %d", readSize).isEqualTo(expected);
            assertThat(parseWith(recorded, readSize)).as("as recorded, reads of %d", readSize).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transcripts")
    void a_transcript_cut_at_any_byte_yields_exactly_the_events_completed_before_the_cut(String name) {
        byte[] full = lfOnly(Transcripts.bytes(name));
        List<SseEvent> all = parseWith(full, full.length);
        for (int cut = 0; cut <= full.length; cut++) {
            byte[] head = java.util.Arrays.copyOf(full, cut);
            List<SseEvent> got = parseWith(head, 13);
            assertThat(got).as("cut at %d", cut).isEqualTo(all.subList(0, got.size()));
            assertThat(got.size()).as("cut at %d", cut).isEqualTo(countBlankLineTerminatedEventsWithData(head));
        }
    }

    /** The transcript with LF line ends (Gemini's are recorded with CRLF), for the independent count below. */
    private static byte[] lfOnly(byte[] transcript) {
        return new String(transcript, StandardCharsets.UTF_8).replace("\r\n", "\n").replace('\r', '\n')
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<SseEvent> parseWith(byte[] bytes, int readSize) {
        var out = new ArrayList<SseEvent>();
        var p = new SseParser(out::add, 1 << 20, 1 << 22);
        for (int at = 0; at < bytes.length; at += readSize) {
            p.feed(bytes, at, Math.min(readSize, bytes.length - at));
        }
        p.finish();
        return out;
    }

    /** Independent count over LF-only text: events that have a data line and end with a blank line. */
    private static int countBlankLineTerminatedEventsWithData(byte[] lfBytes) {
        String text = new String(lfBytes, StandardCharsets.UTF_8);
        int count = 0;
        boolean hasData = false;
        int lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                String line = text.substring(lineStart, i);
                if (line.isEmpty()) {
                    if (hasData) {
                        count++;
                    }
                    hasData = false;
                } else if (line.startsWith("data")) {
                    hasData = true;
                }
                lineStart = i + 1;
            }
        }
        return count;
    }

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        parser.feed(bytes, 0, bytes.length);
    }
}
