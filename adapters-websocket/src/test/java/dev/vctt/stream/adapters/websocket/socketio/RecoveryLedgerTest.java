package dev.vctt.stream.adapters.websocket.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.connection.SentEvent;
import dev.vctt.stream.application.port.in.StreamStarted;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RecoveryLedgerTest {

    private static final SessionId A = SessionId.of("a");
    private static final SessionId B = SessionId.of("b");

    private static StreamStarted started(SessionId id) {
        return new StreamStarted(id, ModelId.of("gpt-4o"), AgentRole.values()[0], Optional.empty(),
                Instant.parse("2026-11-22T10:00:00Z"));
    }

    private static List<RecoveryLedger.Step> steps(RecoveryLedger ledger, long offset) {
        return ledger.recover(OptionalLong.of(offset)).orElseThrow().steps();
    }

    @Test
    void each_stream_resumes_after_the_last_chunk_the_offset_covers_whatever_came_in_between() {
        var ledger = new RecoveryLedger(100);
        ledger.record(new SentEvent.Started(started(A)));          // 1
        ledger.record(new SentEvent.Chunk(A, 0));                  // 2
        ledger.record(new SentEvent.Started(started(B)));          // 3
        ledger.record(SentEvent.OTHER);                            // 4
        ledger.record(new SentEvent.Chunk(B, 0));                  // 5
        ledger.record(new SentEvent.Chunk(A, 1));                  // 6
        ledger.record(new SentEvent.Chunk(B, 1));                  // 7

        assertThat(steps(ledger, 5)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 1),
                new RecoveryLedger.Step(B, Optional.empty(), 1));
        assertThat(steps(ledger, 2)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 1),
                new RecoveryLedger.Step(B, Optional.of(started(B)), 0));
        assertThat(steps(ledger, 7)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 2),
                new RecoveryLedger.Step(B, Optional.empty(), 2));
    }

    @Test
    void a_stream_whose_end_the_client_has_is_left_alone_and_one_whose_end_it_missed_is_resumed() {
        var ledger = new RecoveryLedger(100);
        ledger.record(new SentEvent.Started(started(A)));          // 1
        ledger.record(new SentEvent.Chunk(A, 0));                  // 2
        ledger.record(new SentEvent.Ended(A));                     // 3

        assertThat(steps(ledger, 3)).isEmpty();
        assertThat(steps(ledger, 2)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 1));
    }

    @Test
    void no_offset_means_the_client_got_nothing_and_a_resumed_stream_goes_from_where_it_was_resumed() {
        var ledger = new RecoveryLedger(100);
        ledger.record(new SentEvent.Chunk(A, 7));
        ledger.record(new SentEvent.Chunk(A, 8));

        assertThat(ledger.recover(OptionalLong.empty()).orElseThrow().steps())
                .containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 7));
    }

    @Test
    void an_offset_older_than_what_is_kept_or_never_sent_is_not_recovered() {
        var ledger = new RecoveryLedger(3);
        ledger.record(new SentEvent.Started(started(A)));
        for (int i = 0; i < 5; i++) {
            ledger.record(new SentEvent.Chunk(A, i));               // offsets 2..6; 4, 5, 6 kept
        }

        assertThat(ledger.recover(OptionalLong.of(2))).isEmpty();
        assertThat(ledger.recover(OptionalLong.of(7))).isEmpty();
        assertThat(ledger.recover(OptionalLong.empty())).as("events were folded away").isEmpty();
        assertThat(steps(ledger, 3)).as("the baseline").containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 2));
        assertThat(steps(ledger, 5)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 4));
    }

    @Test
    void the_recovered_connection_continues_the_offsets_and_still_answers_for_the_one_it_was_recovered_at() {
        var ledger = new RecoveryLedger(100);
        ledger.record(new SentEvent.Started(started(A)));          // 1
        ledger.record(new SentEvent.Chunk(A, 0));                  // 2
        ledger.record(new SentEvent.Chunk(A, 1));                  // 3

        RecoveryLedger next = ledger.recover(OptionalLong.of(2)).orElseThrow().ledger();
        long fresh = next.record(new SentEvent.Chunk(A, 1));

        assertThat(fresh).isEqualTo(4);
        assertThat(steps(next, 2)).as("no event since the recovery").containsExactly(
                new RecoveryLedger.Step(A, Optional.empty(), 1));
        assertThat(steps(next, 4)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 2));
        assertThat(next.recover(OptionalLong.of(1))).isEmpty();
        assertThat(next.recover(OptionalLong.of(3))).as("sent by the old connection, never received").isEmpty();
    }

    @Test
    void a_stream_resumed_again_after_its_end_counts_from_the_new_replay() {
        var ledger = new RecoveryLedger(100);
        ledger.record(new SentEvent.Chunk(A, 0));                  // 1
        ledger.record(new SentEvent.Ended(A));                     // 2
        ledger.record(new SentEvent.Chunk(A, 0));                  // 3: the client asked again from 0
        ledger.record(new SentEvent.Chunk(A, 1));                  // 4

        assertThat(steps(ledger, 3)).containsExactly(new RecoveryLedger.Step(A, Optional.empty(), 1));
    }
}
