package dev.vctt.stream.application.service;

import dev.vctt.stream.application.port.out.Tokenizer;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.TokenEstimate;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.ToolReply;
import dev.vctt.stream.domain.request.ToolUse;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;

/** The input estimate of a call: the model's tokenizer where one is known, else about four characters a token. */
final class PromptTokens {

    private PromptTokens() {
    }

    static TokenCount estimate(Tokenizer tokenizer, ModelId model, List<ChatTurn> conversation) {
        long toolChars = 0;
        for (ChatTurn turn : conversation) {
            for (ToolUse use : turn.toolUses()) {
                toolChars += use.name().length() + use.argumentsJson().length();
            }
            for (ToolReply reply : turn.toolReplies()) {
                toolChars += reply.content().length();
            }
        }
        // tool calls and results are not text turns a tokenizer sees: they are estimated by their size
        TokenCount tools = toolChars == 0 ? TokenCount.ZERO : TokenEstimate.ofChars(toolChars);
        var counted = tokenizer.countPrompt(model, conversation);
        if (counted.isPresent()) {
            return TokenCount.of(counted.getAsLong()).plus(tools);
        }
        long chars = 0;
        for (ChatTurn turn : conversation) {
            chars += turn.content().length();
        }
        return TokenEstimate.ofChars(chars).plus(tools);
    }
}
