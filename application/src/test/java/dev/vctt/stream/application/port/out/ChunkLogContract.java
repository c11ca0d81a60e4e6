package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every chunk log does, in memory or in PostgreSQL. Appends may be written in the background,
 * so reads wait (briefly) for them. Retention is measured against the time the store stamps a batch
 * with; a real store stamps with its own clock, so the checks use instants far from now.
 */
public abstract class ChunkLogContract {

    private static final ModelId GPT = ModelId.of("gpt-4o");
    private static final ModelId CLAUDE = ModelId.of("claude-sonnet-4-5");

    private ChunkLog log;

    /** A log with nothing of the sessions the test makes; {@code clock} is for stores that stamp batches themselves in memory. */
    protected abstract ChunkLog newLog(InstantSource clock);

    @BeforeEach
    void create_log() {
        log = newLog(InstantSource.system());
    }

    private static SessionId newId() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    @Test
    void batches_read_back_as_chunks_in_index_order_with_their_boundaries_and_models() {
        SessionId id = newId();

        log.append(List.of(new ChunkBatch(id, 0, List.of("The", " capital"), List.of(GPT, GPT))));
        log.append(List.of(new ChunkBatch(id, 2, List.of(" of", " France"), List.of(GPT, CLAUDE)),
                new ChunkBatch(newId(), 0, List.of("other"), List.of(GPT))));

        holds(() -> assertThat(log.read(id, 0)).containsExactly(new LoggedChunk(0, "The", GPT),
                new LoggedChunk(1, " capital", GPT), new LoggedChunk(2, " of", GPT), new LoggedChunk(3, " France", CLAUDE)));
    }

    @Test
    void a_read_from_an_index_starts_there_even_inside_a_batch() {
        SessionId id = newId();
        log.append(List.of(new ChunkBatch(id, 0, List.of("a", "b", "c"), List.of(GPT, GPT, GPT)),
                new ChunkBatch(id, 3, List.of("d"), List.of(GPT))));

        holds(() -> assertThat(log.read(id, 2)).extracting(LoggedChunk::index, LoggedChunk::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "c"), org.assertj.core.groups.Tuple.tuple(3, "d")));
        assertThat(log.read(id, 4)).isEmpty();
    }

    @Test
    void a_batch_handed_over_twice_is_kept_once() {
        SessionId id = newId();
        var batch = new ChunkBatch(id, 0, List.of("x", "y"), List.of(GPT, GPT));

        log.append(List.of(batch));
        log.append(List.of(batch));
        log.append(List.of(new ChunkBatch(id, 2, List.of("z"), List.of(GPT))));

        holds(() -> assertThat(log.read(id, 0)).extracting(LoggedChunk::text).containsExactly("x", "y", "z"));
    }

    @Test
    void text_postgresql_cannot_hold_as_text_comes_back_exactly_and_holds_back_nothing_else() {
        SessionId id = newId();
        SessionId other = newId();
        List<String> texts = List.of("nul\u0000here", "lone \ud800 high", "\\0 not a nul", "plain");

        log.append(List.of(new ChunkBatch(id, 0, texts, List.of(GPT, GPT, GPT, GPT))));
        log.append(List.of(new ChunkBatch(other, 0, List.of("after"), List.of(GPT))));

        holds(() -> assertThat(log.read(id, 0)).extracting(LoggedChunk::text).containsExactlyElementsOf(texts));
        holds(() -> assertThat(log.read(other, 0)).extracting(LoggedChunk::text).containsExactly("after"));
    }

    @Test
    void text_with_every_kind_of_character_comes_back_byte_for_byte() {
        SessionId id = newId();
        List<String> texts = List.of("é😀", "\n\t\"quoted\"", "{\"json\": [1,2]}", "\\back\\slash", "   ");

        log.append(List.of(new ChunkBatch(id, 0, texts, List.of(GPT, GPT, GPT, GPT, GPT))));

        holds(() -> assertThat(log.read(id, 0)).extracting(LoggedChunk::text).containsExactlyElementsOf(texts));
    }

    @Test
    void an_unknown_session_has_no_chunks() {
        assertThat(log.read(newId(), 0)).isEmpty();
    }

    @Test
    void forgetting_drops_batches_written_before_the_instant_and_keeps_later_ones() {
        SessionId id = newId();
        log.append(List.of(new ChunkBatch(id, 0, List.of("kept"), List.of(GPT))));
        holds(() -> assertThat(log.read(id, 0)).hasSize(1));

        log.forgetBefore(Instant.parse("2000-01-01T00:00:00Z"));
        assertThat(log.read(id, 0)).hasSize(1);

        log.forgetBefore(Instant.now().plusSeconds(3600));
        assertThat(log.read(id, 0)).isEmpty();
    }
}
