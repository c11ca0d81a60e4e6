package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.llm.azure.AzureOpenAiChatProvider;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.domain.routing.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProviderFamiliesTest {

    @ParameterizedTest
    @CsvSource({"azure-openai, AzureOpenAiChatProvider", "gemini, GeminiGenerateContentProvider",
            "openai-responses, OpenAiResponsesProvider"})
    void each_added_family_is_registered_by_its_name_and_builds_its_adapter(String family, String adapterClass)
            throws Exception {
        // given an endpoint of that family
        var endpoint = new Endpoint(ProviderId.of("e1"), family, URI.create("https://example.test/v1?api-version=2025-01-01"),
                Optional.of("E1_KEY"), Optional.of("k"), ProviderTimeouts.DEFAULTS, Map.of("x-team", "a"));

        // when the registry builds it
        try (var watchdog = new StreamWatchdog(Duration.ofMillis(100))) {
            LlmProvider provider = ProviderFamilies.named(family).orElseThrow().factory()
                    .create(endpoint, new ProviderFamilies.Shared(watchdog, SseLimits.DEFAULTS, 1024));

            // then it is that family's adapter
            assertThat(provider.getClass().getSimpleName()).isEqualTo(adapterClass);
            if (provider instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    @Test
    void azure_takes_its_api_version_from_the_base_url_and_defaults_otherwise() {
        assertThat(ProviderFamilies.azureApiVersion(URI.create("https://x.openai.azure.com?api-version=2025-01-01")))
                .isEqualTo("2025-01-01");
        assertThat(ProviderFamilies.azureApiVersion(URI.create("https://x.openai.azure.com?a=b&api-version=v2")))
                .isEqualTo("v2");
        assertThat(ProviderFamilies.azureApiVersion(URI.create("https://x.openai.azure.com")))
                .isEqualTo(AzureOpenAiChatProvider.DEFAULT_API_VERSION);
    }
}
