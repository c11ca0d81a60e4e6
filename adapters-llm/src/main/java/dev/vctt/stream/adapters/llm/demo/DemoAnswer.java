package dev.vctt.stream.adapters.llm.demo;

import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo model's answer to a conversation: always the same text for the same conversation, made
 * from the last question, how many turns came before it, and whether a system prompt was given. It
 * says plainly that it is the offline demo. Split into word-sized tokens, each with the whitespace
 * before it, as a model streams them.
 */
record DemoAnswer(List<String> tokens) {

    private static final int QUOTED_CHARS = 160;

    private static final List<String> STREAMING = List.of(
            "Every word of this answer arrives as its own stream_chunk, at a steady pace, the way a real model streams its tokens.",
            "Each piece you see is a separate chunk, sent the moment it is ready, just as a provider's text deltas would be.",
            "The text reaches you token by token over the same path a real provider's answer takes.");
    private static final List<String> FIGURES = List.of(
            "The running token count and the estimated cost update with every chunk; at this model's price the cost stays at zero.",
            "Token and cost figures are worked out as for any model, here at a price of zero dollars per million tokens.",
            "The completion reports the input and output tokens of this answer, and a total cost of exactly zero.");
    private static final List<String> CONTROLS = List.of(
            "Stopping a stream cancels it on the server at once, as it would close a provider's HTTP call.",
            "Several streams can run at once on one connection; their session ids keep them apart.",
            "A stream can be stopped at any moment, and it then completes with the finish reason cancelled.");

    DemoAnswer {
        tokens = List.copyOf(tokens);
    }

    static DemoAnswer to(CompletionRequest request) {
        List<ChatTurn> turns = request.conversation();
        int last = lastUserTurn(turns);
        String question = turns.get(last).content().strip().replaceAll("\\s+", " ");
        long earlier = turns.subList(0, last).stream().filter(turn -> turn.role() != ChatRole.SYSTEM).count();
        boolean systemPrompt = turns.stream().anyMatch(turn -> turn.role() == ChatRole.SYSTEM);
        int seed = Math.floorMod(question.hashCode(), 27);

        var text = new StringBuilder("This is the offline demo model: no provider key is configured on this server, "
                + "so the answer is made up here. You asked: \u201c")
                .append(question.length() > QUOTED_CHARS ? question.substring(0, QUOTED_CHARS) + "\u2026" : question)
                .append("\u201d ")
                .append(STREAMING.get(seed % 3)).append(' ')
                .append(FIGURES.get(seed / 3 % 3)).append(' ')
                .append(CONTROLS.get(seed / 9 % 3)).append(' ');
        if (earlier == 0) {
            text.append("This is the first message of the conversation. ");
        } else {
            text.append("This conversation had ").append(earlier).append(earlier == 1 ? " earlier message" : " earlier messages")
                    .append(" before your question, sent back as history. ");
        }
        if (systemPrompt) {
            text.append("A system prompt was given; a real model would follow it. ");
        }
        text.append("Set OPENAI_API_KEY, ANTHROPIC_API_KEY or XAI_API_KEY and restart the server for real answers.");
        return new DemoAnswer(split(text.toString()));
    }

    private static int lastUserTurn(List<ChatTurn> turns) {
        for (int i = turns.size() - 1; i >= 0; i--) {
            if (turns.get(i).role() == ChatRole.USER) {
                return i;
            }
        }
        return turns.size() - 1;
    }

    /** Word-sized tokens, each carrying the whitespace before it. */
    static List<String> split(String text) {
        var tokens = new ArrayList<String>();
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens.add(text.substring(start, i));
            }
            start = i;
        }
        return tokens;
    }

    String text() {
        return String.join("", tokens);
    }
}
