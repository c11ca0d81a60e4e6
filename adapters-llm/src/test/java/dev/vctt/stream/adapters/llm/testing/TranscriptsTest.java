package dev.vctt.stream.adapters.llm.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The corpus says where every transcript comes from: a file without a row in its README is a file of unknown provenance. */
class TranscriptsTest {

    @Test
    void every_transcript_has_a_row_in_the_corpus_readme() {
        String readme = new String(Transcripts.bytesOf("README.md"), StandardCharsets.UTF_8);

        assertThat(Transcripts.names()).isNotEmpty()
                .allSatisfy(name -> assertThat(readme).as("README row for %s", name).contains("| " + name + " |"));
    }

    @Test
    void composed_transcripts_say_so() {
        String readme = new String(Transcripts.bytesOf("README.md"), StandardCharsets.UTF_8);

        assertThat(Transcripts.names()).filteredOn(name -> name.startsWith("azure-") || name.startsWith("gemini-")
                        || name.startsWith("responses-"))
                .isNotEmpty()
                .allSatisfy(name -> assertThat(readme).contains("| " + name + " | *composed here.*"));
    }
}
