package dev.vctt.stream.adapters.llm.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JtokkitTokenizerTest {

    private final JtokkitTokenizer tokenizer = new JtokkitTokenizer();

    @ParameterizedTest(name = "{0}: \"{1}\" is {2} token(s)")
    @CsvSource({
            "gpt-4o,            The,                       1",
            "gpt-4o,            ' capital',                1",
            "gpt-4o,            'The capital of France is Paris.', 7",
            "gpt-4o-2024-08-06, hello world,               2",
            "gpt-4o-mini,       hello world,               2",
            "gpt-4,             hello world,               2",
            "gpt-5,             'The capital of France is Paris.', 7",
    })
    void counts_openai_models_with_their_own_encoding(String model, String text, long tokens) {
        assertThat(tokenizer.count(ModelId.of(model), text)).isEqualTo(OptionalLong.of(tokens));
    }

    @ParameterizedTest
    @CsvSource({"claude-sonnet-4-5", "grok-4-1-fast-non-reasoning", "llama3.1", "demo"})
    void knows_no_tokenizer_for_other_providers(String model) {
        assertThat(tokenizer.count(ModelId.of(model), "hello")).isEmpty();
        assertThat(tokenizer.countPrompt(ModelId.of(model), List.of(new ChatTurn(ChatRole.USER, "hi")))).isEmpty();
    }

    @Test
    void a_prompt_counts_its_text_and_the_chat_framing() {
        var prompt = List.of(new ChatTurn(ChatRole.SYSTEM, "Be brief."), new ChatTurn(ChatRole.USER, "hello world"));

        // "Be brief." = 3 tokens, "hello world" = 2; 3 per message; 3 for the reply
        assertThat(tokenizer.countPrompt(ModelId.of("gpt-4o"), prompt)).isEqualTo(OptionalLong.of(3 + 2 + 2 * 3 + 3));
    }
}
