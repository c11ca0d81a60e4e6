package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** What every carrier of signals between nodes does, in memory or over PostgreSQL LISTEN/NOTIFY. */
public abstract class ClusterSignalsContract {

    /** A new node's signals, on the same carrier as every other node this test makes. */
    protected abstract ClusterSignals node();

    @Test
    void every_node_hears_each_kind_of_signal_a_node_publishes_in_order() {
        // given two listening nodes
        ClusterSignals a = node();
        ClusterSignals b = node();
        List<ClusterSignal> heardByA = new CopyOnWriteArrayList<>();
        List<ClusterSignal> heardByB = new CopyOnWriteArrayList<>();
        try (var subA = a.subscribe(heardByA::add); var subB = b.subscribe(heardByB::add)) {
            var sent = List.of(new ClusterSignal.HeadMoved(SessionId.of("s-1"), 0),
                    new ClusterSignal.HeadMoved(SessionId.of("s-1"), 42),
                    new ClusterSignal.CancelStream(SessionId.of("s-2")),
                    new ClusterSignal.CancelBand(BandId.of("band-1")));

            // when a publishes them
            sent.forEach(a::publish);

            // then both hear all of them, in order
            holds(() -> {
                assertThat(heardByA).containsSubsequence(sent);
                assertThat(heardByB).containsSubsequence(sent);
            });
        }
    }

    @Test
    void a_closed_subscription_hears_nothing_more() {
        ClusterSignals a = node();
        List<ClusterSignal> heard = new CopyOnWriteArrayList<>();
        List<ClusterSignal> control = new CopyOnWriteArrayList<>();
        var closed = a.subscribe(heard::add);
        closed.close();
        try (var open = a.subscribe(control::add)) {
            var marker = new ClusterSignal.CancelStream(SessionId.of("marker"));

            a.publish(new ClusterSignal.CancelStream(SessionId.of("after-close")));
            a.publish(marker);

            holds(() -> assertThat(control).contains(marker));
            assertThat(heard).isEmpty();
        }
    }

    @Test
    void ids_with_any_characters_arrive_as_they_were_sent() {
        ClusterSignals a = node();
        List<ClusterSignal> heard = new CopyOnWriteArrayList<>();
        try (var sub = a.subscribe(heard::add)) {
            var odd = new ArrayList<ClusterSignal>();
            odd.add(new ClusterSignal.CancelStream(SessionId.of("a:b|c\\d é 🎵")));
            odd.add(new ClusterSignal.HeadMoved(SessionId.of("x:1:2"), 7));

            odd.forEach(a::publish);

            holds(() -> assertThat(heard).containsSubsequence(odd));
        }
    }
}
