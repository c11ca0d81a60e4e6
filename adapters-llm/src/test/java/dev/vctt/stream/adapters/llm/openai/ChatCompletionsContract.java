package dev.vctt.stream.adapters.llm.openai;

import dev.vctt.stream.adapters.llm.LlmProviderContract;
import java.nio.charset.StandardCharsets;

/** The contract for every dialect of Chat Completions: one path, and a stream that ends with {@code data: [DONE]}. */
public abstract class ChatCompletionsContract extends LlmProviderContract {

    private static final String DONE = "data: [DONE]";

    @Override
    protected String expectedPath() {
        return "/v1/chat/completions";
    }

    @Override
    protected int endMarkerOffset(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1).lastIndexOf(DONE) + (DONE + "\n\n").length();
    }
}
