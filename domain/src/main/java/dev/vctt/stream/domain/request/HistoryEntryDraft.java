package dev.vctt.stream.domain.request;

import java.util.Objects;
import java.util.Optional;

/** A history entry as the client sent it, before validation. */
public record HistoryEntryDraft(Optional<String> role, Optional<String> content) {

    public HistoryEntryDraft {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static HistoryEntryDraft of(String role, String content) {
        return new HistoryEntryDraft(Optional.ofNullable(role), Optional.ofNullable(content));
    }
}
