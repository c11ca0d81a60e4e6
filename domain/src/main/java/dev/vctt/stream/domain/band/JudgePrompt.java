package dev.vctt.stream.domain.band;

import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The verifier's prompt: the synthesis judged against the members' answers, which it sees in a
 * shuffled order (position bias is a judge's known weakness, Zheng et al. 2023). The shuffle draws
 * from the generator it is given, so a test fixes the order with a seed. The verdict must end in
 * the two lines {@link Verdict#read} parses.
 */
public final class JudgePrompt {

    static final String INSTRUCTIONS = """
            You are a verifier. Judge whether the synthesis is faithful to the reference answers, consistent, \
            and free of claims none of them supports. Write a short verdict (at most five sentences), then end \
            with exactly these two lines:
            SCORE: <a number from 0 to 1, where 1 means fully supported and consistent>
            FLAGS: <comma-separated short flags such as unsupported_claim, contradiction, missing_voice, \
            or none>""";

    private JudgePrompt() {
    }

    public static List<ChatTurn> assemble(String question, String synthesis, List<Voice> voices, RandomGenerator random) {
        List<Voice> order = shuffled(voices, random);
        var prompt = new StringBuilder(512 + synthesis.length());
        prompt.append("Question:\n").append(question).append("\n\n");
        for (int i = 0; i < order.size(); i++) {
            prompt.append("Reference answer ").append(i + 1).append(":\n").append(order.get(i).answer()).append("\n\n");
        }
        prompt.append("Synthesis to judge:\n").append(synthesis).append("\n\nWrite the verdict.");
        var turns = new ArrayList<ChatTurn>(2);
        turns.add(new ChatTurn(ChatRole.SYSTEM, INSTRUCTIONS));
        turns.add(new ChatTurn(ChatRole.USER, prompt.toString()));
        return List.copyOf(turns);
    }

    /** A Fisher-Yates shuffle of a copy, drawing from {@code random}. */
    public static <T> List<T> shuffled(List<T> items, RandomGenerator random) {
        var copy = new ArrayList<>(items);
        for (int i = copy.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = copy.get(i);
            copy.set(i, copy.get(j));
            copy.set(j, swap);
        }
        return List.copyOf(copy);
    }
}
