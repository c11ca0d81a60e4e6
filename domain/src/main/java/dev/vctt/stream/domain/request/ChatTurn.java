package dev.vctt.stream.domain.request;

import java.util.List;
import java.util.Objects;

/**
 * One turn of a conversation sent to a model. In a tool loop an assistant turn may carry the tool
 * calls the model made ({@code toolUses}), and a user turn the replies to them ({@code toolReplies});
 * each provider adapter writes these in its own format. Clients cannot send either: they exist only
 * in the conversation a stream builds for its next step.
 */
public record ChatTurn(ChatRole role, String content, List<ToolUse> toolUses, List<ToolReply> toolReplies) {

    public ChatTurn {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolUses = List.copyOf(toolUses);
        toolReplies = List.copyOf(toolReplies);
        if (!toolUses.isEmpty() && role != ChatRole.ASSISTANT) {
            throw new IllegalArgumentException("only an assistant turn calls tools");
        }
        if (!toolReplies.isEmpty() && role != ChatRole.USER) {
            throw new IllegalArgumentException("tool replies go in a user turn");
        }
    }

    public ChatTurn(ChatRole role, String content) {
        this(role, content, List.of(), List.of());
    }

    /** The model's turn of one tool step: what it wrote, and the tools it called. */
    public static ChatTurn callingTools(String text, List<ToolUse> uses) {
        return new ChatTurn(ChatRole.ASSISTANT, text, uses, List.of());
    }

    /** The replies to one tool step's calls. */
    public static ChatTurn replying(List<ToolReply> replies) {
        return new ChatTurn(ChatRole.USER, "", List.of(), replies);
    }

    public boolean carriesTools() {
        return !toolUses.isEmpty() || !toolReplies.isEmpty();
    }
}
