package dev.vctt.stream.adapters.llm.openai;

/**
 * The differences between servers that speak OpenAI's Chat Completions streaming format.
 *
 * @param maxTokensField  the request field for the output cap: OpenAI wants {@code max_completion_tokens}
 *                        (reasoning models refuse {@code max_tokens}); local servers know {@code max_tokens}
 * @param disableObfuscation send {@code stream_options.include_obfuscation: false} (OpenAI only; saves bytes)
 * @param reasoningOutsideCompletion xAI reports reasoning tokens outside {@code completion_tokens} and bills
 *                        them at the output rate, so they are added to the output; OpenAI already counts them
 */
public record ChatCompletionsDialect(String name, String maxTokensField, boolean disableObfuscation,
                                     boolean reasoningOutsideCompletion) {

    public static final ChatCompletionsDialect OPENAI =
            new ChatCompletionsDialect("openai", "max_completion_tokens", true, false);
    public static final ChatCompletionsDialect XAI =
            new ChatCompletionsDialect("xai", "max_completion_tokens", false, true);
    public static final ChatCompletionsDialect COMPATIBLE =
            new ChatCompletionsDialect("openai-compatible", "max_tokens", false, false);
}
