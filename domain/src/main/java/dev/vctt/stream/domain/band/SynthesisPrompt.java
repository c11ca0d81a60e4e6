package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import java.util.ArrayList;
import java.util.List;

/**
 * The synthesiser's prompt, after the Mixture-of-Agents aggregator: the members' answers as
 * auxiliary material, an instruction to weigh them critically rather than copy one, and the names
 * of the voices that are missing (failed, cancelled or too slow) so the synthesis can say so.
 */
public final class SynthesisPrompt {

    static final String INSTRUCTIONS = """
            You have been given several answers to the user's question, each from an agent with its own \
            perspective. Synthesise them into one answer of high quality: critically weigh the information \
            they give, recognising that some of it may be biased or wrong; do not simply copy one answer. \
            If some perspectives are reported missing, say briefly which ones your answer lacks.""";

    private SynthesisPrompt() {
    }

    public static List<ChatTurn> assemble(String question, List<Voice> voices, List<String> missing) {
        var prompt = new StringBuilder(256 + voices.stream().mapToInt(v -> v.answer().length()).sum());
        prompt.append("Question:\n").append(question).append("\n\n");
        for (int i = 0; i < voices.size(); i++) {
            Voice voice = voices.get(i);
            prompt.append("Answer ").append(i + 1).append(" (").append(voice.role().wireName()).append("):\n")
                    .append(voice.answer()).append("\n\n");
        }
        if (!missing.isEmpty()) {
            prompt.append("Missing voices: ").append(String.join(", ", missing)).append("\n\n");
        }
        prompt.append("Write the synthesis.");
        var turns = new ArrayList<ChatTurn>(2);
        turns.add(new ChatTurn(ChatRole.SYSTEM, INSTRUCTIONS));
        turns.add(new ChatTurn(ChatRole.USER, prompt.toString()));
        return List.copyOf(turns);
    }
}
