package dev.vctt.stream.application.testing;

import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.OptionalLong;

/** Knows no model's tokenizer: every count falls back to the four-characters estimate. */
public final class NoTokenizer implements Tokenizer {

    @Override
    public OptionalLong count(ModelId model, String text) {
        return OptionalLong.empty();
    }

    @Override
    public OptionalLong countPrompt(ModelId model, List<ChatTurn> conversation) {
        return OptionalLong.empty();
    }
}
