package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.List;
import java.util.Objects;

/**
 * Consecutive chunks of one session, from {@code firstIndex} on: the text of each and the model that
 * wrote it. One batch is one flush of one stream, so the log grows by rows per flush, not per chunk.
 */
public record ChunkBatch(SessionId sessionId, int firstIndex, List<String> texts, List<ModelId> models) {

    public ChunkBatch {
        Objects.requireNonNull(sessionId, "sessionId");
        texts = List.copyOf(texts);
        models = List.copyOf(models);
        if (firstIndex < 0) {
            throw new IllegalArgumentException("firstIndex must not be negative");
        }
        if (texts.isEmpty() || texts.size() != models.size()) {
            throw new IllegalArgumentException("a batch has at least one chunk and a model for each");
        }
    }

    /** The index after the last chunk of this batch. */
    public int endIndex() {
        return firstIndex + texts.size();
    }
}
