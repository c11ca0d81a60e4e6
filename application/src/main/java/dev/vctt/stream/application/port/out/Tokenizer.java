package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.ModelId;
import java.util.List;
import java.util.OptionalLong;

/** For counting tokens the way a model's own tokenizer does, where one is known. */
public interface Tokenizer {

    /** Tokens in a piece of text; empty when no tokenizer is known for the model. */
    OptionalLong count(ModelId model, String text);

    /** Tokens a conversation takes as a prompt, message framing included; empty when unknown. */
    OptionalLong countPrompt(ModelId model, List<ChatTurn> conversation);

}
