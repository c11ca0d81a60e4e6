package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenEstimate;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;

/** The input estimate of a call: the model's tokenizer where one is known, else about four characters a token. */
final class PromptTokens {

    private PromptTokens() {
    }

    static TokenCount estimate(Tokenizer tokenizer, ModelId model, List<ChatTurn> conversation) {
        var counted = tokenizer.countPrompt(model, conversation);
        if (counted.isPresent()) {
            return TokenCount.of(counted.getAsLong());
        }
        long chars = 0;
        for (ChatTurn turn : conversation) {
            chars += turn.content().length();
        }
        return TokenEstimate.ofChars(chars);
    }
}
