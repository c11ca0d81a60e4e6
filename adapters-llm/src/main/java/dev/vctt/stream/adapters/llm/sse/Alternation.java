package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation as APIs that want strictly alternating user and model turns take it (Anthropic
 * Messages, Gemini): system turns left out (they go in a field of their own), and consecutive turns
 * of one role joined by a blank line, unless one of them carries tool calls or results, which must
 * stay turns of their own.
 */
public final class Alternation {

    private Alternation() {
    }

    public static List<ChatTurn> of(List<ChatTurn> conversation) {
        var turns = new ArrayList<ChatTurn>();
        for (ChatTurn turn : conversation) {
            if (turn.role() == ChatRole.SYSTEM) {
                continue;
            }
            if (!turns.isEmpty() && turns.getLast().role() == turn.role() && !turn.carriesTools()
                    && !turns.getLast().carriesTools()) {
                ChatTurn previous = turns.removeLast();
                turns.add(new ChatTurn(turn.role(), previous.content() + "\n\n" + turn.content()));
            } else {
                turns.add(turn);
            }
        }
        return turns;
    }
}
