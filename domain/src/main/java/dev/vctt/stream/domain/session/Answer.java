package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.routing.ModelId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The answer of one session as an indexed, append-only log of chunks: the text once, where each
 * chunk ends in it, and which model wrote it. Chunk {@code i} is the text between the end of chunk
 * {@code i - 1} and its own end, so the log costs one {@code int} per chunk beside the text the
 * answer needs anyway, and models are kept as runs (a model changes only on a fallback).
 *
 * <p>Not thread-safe: the running stream that owns it serialises access.
 */
public final class Answer {

    private record ModelRun(int firstIndex, ModelId model) {
    }

    private final StringBuilder text = new StringBuilder();
    private final List<ModelRun> models = new ArrayList<>(2);
    private int[] ends = new int[32];
    private int chunks;

    /** Appends a chunk and returns its index. */
    public int append(String chunk, ModelId model) {
        Objects.requireNonNull(model, "model");
        if (chunk.isEmpty()) {
            throw new IllegalArgumentException("a chunk carries text");
        }
        if (chunks == ends.length) {
            ends = Arrays.copyOf(ends, chunks * 2);
        }
        text.append(chunk);
        ends[chunks] = text.length();
        if (models.isEmpty() || !models.getLast().model().equals(model)) {
            models.add(new ModelRun(chunks, model));
        }
        return chunks++;
    }

    /** Chunks so far; the next chunk's index. */
    public int chunks() {
        return chunks;
    }

    /** The whole answer so far. */
    public String text() {
        return text.toString();
    }

    /** The text of chunk {@code index}. */
    public String chunk(int index) {
        Objects.checkIndex(index, chunks);
        return text.substring(index == 0 ? 0 : ends[index - 1], ends[index]);
    }

    /** The model that wrote chunk {@code index}. */
    public ModelId modelOf(int index) {
        Objects.checkIndex(index, chunks);
        for (int i = models.size() - 1; i >= 0; i--) {
            if (models.get(i).firstIndex() <= index) {
                return models.get(i).model();
            }
        }
        throw new IllegalStateException("no model for chunk " + index);
    }

    /** The text of the chunks from {@code fromIndex} on (empty at the head). */
    public String textFrom(int fromIndex) {
        if (fromIndex < 0 || fromIndex > chunks) {
            throw new IndexOutOfBoundsException("fromIndex " + fromIndex + " outside 0.." + chunks);
        }
        return text.substring(fromIndex == 0 ? 0 : ends[fromIndex - 1]);
    }
}
