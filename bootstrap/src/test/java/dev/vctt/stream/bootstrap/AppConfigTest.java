package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AppConfigTest {

    @Test
    void an_empty_environment_gives_the_documented_defaults() {
        AppConfig config = AppConfig.fromEnv(Map.of());

        assertThat(config.port()).isEqualTo(3000);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.openai().baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(config.openai().apiKey()).isEmpty();
        assertThat(config.anthropic().baseUrl()).isEqualTo(URI.create("https://api.anthropic.com/v1"));
        assertThat(config.xai().baseUrl()).isEqualTo(URI.create("https://api.x.ai/v1"));
        assertThat(config.auth()).isEqualTo(AppConfig.AuthMode.OFF);
        assertThat(config.dataDir().toString()).isEqualTo("./data");
        assertThat(config.allowedOrigins()).isEmpty();
        assertThat(config.openai().timeouts().firstToken()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void variables_override_the_defaults() {
        AppConfig config = AppConfig.fromEnv(Map.of("PORT", "8080", "OPENAI_API_KEY", "sk-1",
                "OPENAI_BASE_URL", "http://127.0.0.1:8090/v1", "VCTT_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "VCTT_AUTH", "keys", "VCTT_FIRST_TOKEN_TIMEOUT_MS", "5000", "XAI_FIRST_TOKEN_TIMEOUT_MS", "90000",
                "VCTT_MAX_STREAMS_PER_CONNECTION", "3"));

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.openai().apiKey()).contains("sk-1");
        assertThat(config.openai().baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8090/v1"));
        assertThat(config.allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(config.auth()).isEqualTo(AppConfig.AuthMode.KEYS);
        assertThat(config.openai().timeouts().firstToken()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.xai().timeouts().firstToken()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxStreamsPerConnection()).isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "PORT, abc, PORT must be a whole number from 0 to 65535, got 'abc'",
            "PORT, 70000, PORT must be a whole number from 0 to 65535",
            "OPENAI_BASE_URL, ftp://x, OPENAI_BASE_URL must be an http:// or https:// URL",
            "ANTHROPIC_BASE_URL, not a url, ANTHROPIC_BASE_URL must be an http:// or https:// URL",
            "VCTT_AUTH, maybe, 'VCTT_AUTH must be one of off, keys'",
            "VCTT_MAX_FRAME_BYTES, 10, VCTT_MAX_FRAME_BYTES must be a whole number from 1024",
            "VCTT_IDLE_TIMEOUT_MS, 0, VCTT_IDLE_TIMEOUT_MS must be a whole number from 1",
    })
    void a_bad_value_is_one_line_naming_the_variable(String variable, String value, String message) {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of(variable, value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .hasMessageNotContaining("\n");
    }
}
