package dev.vctt.stream.domain.request;

import java.util.Objects;

/** What a tool call came back with, as given to the model: its call id, the (capped) content, and whether it is an error. */
public record ToolReply(String toolUseId, String content, boolean error) {

    public ToolReply {
        Objects.requireNonNull(toolUseId, "toolUseId");
        Objects.requireNonNull(content, "content");
    }
}
