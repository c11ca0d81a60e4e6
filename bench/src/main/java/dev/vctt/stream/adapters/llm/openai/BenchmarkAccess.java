package dev.vctt.stream.adapters.llm.openai;

import com.fasterxml.jackson.core.JsonFactory;
import dev.vctt.stream.adapters.llm.sse.SseEventMapper;
import dev.vctt.stream.adapters.llm.sse.chatcompletions.ChatCompletionsMapper;

/**
 * Lets the JMH benchmarks build the Chat Completions mapper as the OpenAI provider does.
 * It lives in the bench module (same package name, another jar), so the adapter gains no public
 * surface for its benchmarks; nothing but the bench module sees it.
 */
public final class BenchmarkAccess {

    private BenchmarkAccess() {
    }

    public static SseEventMapper chatCompletionsMapper(JsonFactory json, ChatCompletionsDialect dialect) {
        return new ChatCompletionsMapper(json, dialect.reasoningOutsideCompletion());
    }
}
