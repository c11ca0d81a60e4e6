package dev.vctt.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadRunTest {

    private static final URI FAKE = URI.create("http://127.0.0.1:4321/v1");

    @Test
    void every_provider_goes_to_the_fake_whatever_keys_and_urls_the_environment_holds() {
        Map<String, String> env = LoadRun.serverEnvironment(Map.of(
                "OPENAI_API_KEY", "sk-real", "ANTHROPIC_API_KEY", "sk-ant-real", "XAI_BASE_URL", "https://api.x.ai/v1",
                "PORT", "3000", "VCTT_OUTBOX_CHARS", "65536"), FAKE, Optional.of(Path.of("/tmp/d")));

        for (String provider : new String[] {"OPENAI", "ANTHROPIC", "XAI"}) {
            assertThat(env).containsEntry(provider + "_BASE_URL", FAKE.toString()).containsEntry(provider + "_API_KEY", "sk-bench");
        }
        assertThat(env).containsEntry("PORT", "0").containsEntry("VCTT_HOST", "127.0.0.1")
                .containsEntry("VCTT_OUTBOX_CHARS", "65536").containsEntry("VCTT_DATA_DIR", "/tmp/d");
    }

    @Test
    void an_external_database_is_kept_and_no_data_directory_is_set() {
        Map<String, String> env = LoadRun.serverEnvironment(Map.of("DATABASE_URL", "jdbc:postgresql://db/x"), FAKE,
                Optional.of(Path.of("/tmp/d")));

        assertThat(env).containsEntry("DATABASE_URL", "jdbc:postgresql://db/x").doesNotContainKey("VCTT_DATA_DIR");
    }
}
