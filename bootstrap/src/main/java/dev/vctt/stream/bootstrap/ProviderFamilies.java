package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.llm.anthropic.AnthropicMessagesProvider;
import dev.vctt.stream.adapters.llm.azure.AzureOpenAiChatProvider;
import dev.vctt.stream.adapters.llm.gemini.GeminiGenerateContentProvider;
import dev.vctt.stream.adapters.llm.openai.ChatCompletionsDialect;
import dev.vctt.stream.adapters.llm.openai.OpenAiChatCompletionsProvider;
import dev.vctt.stream.adapters.llm.responses.OpenAiResponsesProvider;
import dev.vctt.stream.adapters.llm.sse.SseLimits;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.application.port.out.LlmProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Every provider family the server speaks, by the name configuration files use for it. A family is
 * an adapter of adapters-llm (its request format and event mapper on the shared SSE call); this is
 * the one place that constructs one, so adding a family is one line in {@link #ALL} and nothing
 * else ({@code ArchitectureTest} fails when an adapter is constructed anywhere else).
 */
final class ProviderFamilies {

    /** What every adapter shares: the timer that enforces timeouts, the SSE limits, the default output cap. */
    record Shared(StreamWatchdog watchdog, SseLimits limits, int defaultMaxTokens) {
    }

    /** Builds a family's adapter for one endpoint; the adapter may be {@link AutoCloseable}. */
    @FunctionalInterface
    interface Factory {
        LlmProvider create(Endpoint endpoint, Shared shared);
    }

    /**
     * A family: its name in configuration, its public base URL (when it has one, for the defaults and
     * the offline-demo check) and its factory.
     */
    record Family(String name, Optional<URI> publicUrl, Factory factory) {
    }

    static final Map<String, Family> ALL = index(
            family("openai", "https://api.openai.com/v1", (e, s) -> chat(e, s, isOpenAi(e.baseUrl())
                    ? ChatCompletionsDialect.OPENAI : ChatCompletionsDialect.COMPATIBLE)),
            family("openai-compatible", null, (e, s) -> chat(e, s, ChatCompletionsDialect.COMPATIBLE)),
            family("xai", "https://api.x.ai/v1", (e, s) -> chat(e, s, ChatCompletionsDialect.XAI)),
            family("anthropic", "https://api.anthropic.com/v1", (e, s) -> new AnthropicMessagesProvider(
                    e.name().value(), e.baseUrl(), e.apiKey(), e.headers(), e.timeouts(), s.limits(), s.watchdog(),
                    s.defaultMaxTokens())),
            family(AzureOpenAiChatProvider.FAMILY, null, (e, s) -> new AzureOpenAiChatProvider(e.name().value(),
                    withoutQuery(e.baseUrl()), e.apiKey(), azureApiVersion(e.baseUrl()), e.headers(), e.timeouts(),
                    s.limits(), s.watchdog())),
            family(GeminiGenerateContentProvider.FAMILY, GeminiGenerateContentProvider.DEFAULT_BASE_URL.toString(),
                    (e, s) -> new GeminiGenerateContentProvider(e.name().value(), e.baseUrl(), e.apiKey(), e.headers(),
                            e.timeouts(), s.limits(), s.watchdog())),
            family(OpenAiResponsesProvider.FAMILY, null, (e, s) -> new OpenAiResponsesProvider(e.name().value(),
                    e.baseUrl(), e.apiKey(), e.headers(), e.timeouts(), s.limits(), s.watchdog()))
            // New families go here, one line each.
    );

    private ProviderFamilies() {
    }

    static Optional<Family> named(String name) {
        return Optional.ofNullable(ALL.get(name));
    }

    static String names() {
        return String.join(", ", ALL.keySet());
    }

    private static LlmProvider chat(Endpoint e, Shared s, ChatCompletionsDialect dialect) {
        return new OpenAiChatCompletionsProvider(e.name().value(), dialect, e.baseUrl(), e.apiKey(), e.headers(),
                e.timeouts(), s.limits(), s.watchdog());
    }

    /** Azure's {@code api-version} rides on the endpoint's base URL ({@code https://NAME.openai.azure.com?api-version=V}). */
    static String azureApiVersion(URI baseUrl) {
        String query = baseUrl.getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("api-version=") && pair.length() > "api-version=".length()) {
                    return pair.substring("api-version=".length());
                }
            }
        }
        return AzureOpenAiChatProvider.DEFAULT_API_VERSION;
    }

    private static URI withoutQuery(URI uri) {
        return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    }

    /** OpenAI proper gets its own dialect; any other host speaking the format is a compatible server. */
    private static boolean isOpenAi(URI baseUrl) {
        return "api.openai.com".equalsIgnoreCase(baseUrl.getHost());
    }

    private static Family family(String name, String publicUrl, Factory factory) {
        return new Family(name, Optional.ofNullable(publicUrl).map(URI::create), factory);
    }

    private static Map<String, Family> index(Family... families) {
        var byName = new LinkedHashMap<String, Family>();
        Stream.of(families).forEach(family -> {
            if (byName.put(family.name(), family) != null) {
                throw new IllegalStateException("two provider families named " + family.name());
            }
        });
        return java.util.Collections.unmodifiableMap(byName);
    }
}
