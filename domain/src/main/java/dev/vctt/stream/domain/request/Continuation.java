package dev.vctt.stream.domain.request;

import java.util.ArrayList;
import java.util.List;

/**
 * How the next model continues an answer the previous one broke off: it is given the conversation,
 * the partial answer as its own earlier turn, and an instruction to carry on without repeating.
 */
public final class Continuation {

    public static final String INSTRUCTION = "Your previous answer was cut off. Continue it exactly where it stopped, "
            + "without repeating anything and without mentioning the interruption.";

    private Continuation() {
    }

    public static List<ChatTurn> of(List<ChatTurn> conversation, String partialAnswer) {
        if (partialAnswer.isEmpty()) {
            return List.copyOf(conversation);
        }
        var turns = new ArrayList<ChatTurn>(conversation.size() + 2);
        turns.addAll(conversation);
        turns.add(new ChatTurn(ChatRole.ASSISTANT, partialAnswer));
        turns.add(new ChatTurn(ChatRole.USER, INSTRUCTION));
        return List.copyOf(turns);
    }
}
