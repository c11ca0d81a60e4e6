package dev.vctt.stream.adapters.persistence.signal;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.chunk.JdbcChunkLog;
import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.ChunkBatch;
import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.application.port.out.ClusterSignals;
import dev.vctt.stream.application.port.out.ClusterSignalsContract;
import dev.vctt.stream.application.testing.BusyCarriers;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PgClusterSignalsIT extends ClusterSignalsContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    private final List<PgClusterSignals> started = new ArrayList<>();

    @Override
    protected ClusterSignals node() {
        PgClusterSignals node = PgClusterSignals.start(fixture.settings, fixture.database.dataSource());
        started.add(node);
        return node;
    }

    @AfterEach
    void stop_nodes() {
        started.forEach(PgClusterSignals::close);
    }

    @Test
    void a_cancel_is_heard_while_every_carrier_of_virtual_threads_is_busy() throws Exception {
        // given a listening node, and no virtual thread able to run, as in a server saturated with streams
        ClusterSignals listener = node();
        List<ClusterSignal> heard = new CopyOnWriteArrayList<>();
        var cancel = new ClusterSignal.CancelStream(SessionId.of("under-load"));
        try (var subscription = listener.subscribe(heard::add); var ignored = BusyCarriers.all()) {
            // when another node cancels a stream
            node().publish(cancel);

            // then the listening thread is not one of them: it hears the cancel
            holds(() -> assertThat(heard).contains(cancel));
        }
    }

    @Test
    void a_stored_chunk_batch_announces_the_new_head_once_with_its_commit() {
        // given a listening node and a chunk log that announces heads on the same channel
        ClusterSignals listener = node();
        List<ClusterSignal> heard = new CopyOnWriteArrayList<>();
        var log = new JdbcChunkLog(fixture.database.dataSource(), fixture.writer)
                .announcingHeadsOn(SignalPayload.channel(fixture.settings.schema()));
        SessionId id = SessionId.of("announced");
        ModelId gpt = ModelId.of("gpt-4o");

        List<Integer> readable = new CopyOnWriteArrayList<>();
        try (var subscription = listener.subscribe(signal -> {
            // what could be read is noted before the signal counts as heard: the assertions below wait
            // for the heard signals, and must then find what was readable for each
            readable.add(log.read(id, 0).size());
            heard.add(signal);
        })) {
            // when two flushes of the stream land
            log.append(List.of(new ChunkBatch(id, 0, List.of("a", "b", "c"), List.of(gpt, gpt, gpt))));
            log.append(List.of(new ChunkBatch(id, 3, List.of("d"), List.of(gpt))));

            // then each announced its head once, and the chunks were there to read when it did
            holds(() -> assertThat(heard).containsExactly(new ClusterSignal.HeadMoved(id, 3),
                    new ClusterSignal.HeadMoved(id, 4)));
            // (the second batch may have landed too by the time the first signal is read: at least the head)
            assertThat(readable).hasSize(2);
            assertThat(readable.get(0)).isGreaterThanOrEqualTo(3);
            assertThat(readable.get(1)).isEqualTo(4);
        }
    }
}
