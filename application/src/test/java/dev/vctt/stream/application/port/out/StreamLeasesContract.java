package dev.vctt.stream.application.port.out;

import static dev.vctt.stream.application.testing.Eventually.holds;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.application.port.SessionView;
import dev.vctt.stream.application.testing.TestCatalog;
import dev.vctt.stream.application.testing.TestSessions;
import dev.vctt.stream.domain.access.Caller;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.session.SessionId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every implementation of the leases does, in memory or in PostgreSQL: the sessions a dead node
 * left running are taken over once, whoever asks and however many ask at once.
 */
public abstract class StreamLeasesContract {

    protected static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

    /** The journal of a node that is gone (its lease over), sharing its sessions with {@link #liveNode()}. */
    protected abstract SessionJournal deadNodeJournal();

    /** A new live node on the same sessions. */
    protected abstract StreamLeases liveNode();

    /** Reads the shared sessions. */
    protected abstract SessionQueries queries();

    /** Returns once every write the dead node's journal accepted so far is stored. */
    protected abstract void deadNodeWritesLanded();

    private static SessionId newId() {
        return SessionId.of(UUID.randomUUID().toString());
    }

    @Test
    void a_session_left_by_a_dead_node_is_taken_over_once_interrupted_with_its_partial_text() {
        // given a session a dead node left running, with progress
        SessionId id = newId();
        deadNodeJournal().opened(TestSessions.opened(id, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        deadNodeJournal().progressed(List.of(new SessionProgress(id, TestCatalog.GPT_4O, 1, 3, "Half an ans",
                TokenCount.of(20), TokenCount.of(3), Usd.of("0.00008"), Optional.of(T0.plusMillis(100)),
                T0.plusSeconds(1))));
        deadNodeWritesLanded();
        StreamLeases node = liveNode();

        // when the live node takes over (as often as it likes)
        List<RunningSession> taken = new ArrayList<>();
        holds(() -> {
            taken.addAll(node.takeOverAbandoned(T0.plusSeconds(60)));
            assertThat(taken).extracting(RunningSession::id).contains(id);
        });
        List<RunningSession> again = node.takeOverAbandoned(T0.plusSeconds(61));

        // then it got the session once, with its progress, and the session is interrupted
        assertThat(taken).filteredOn(s -> s.id().equals(id)).singleElement()
                .satisfies(s -> assertThat(s.lastProgress()).map(SessionProgress::partialText).contains("Half an ans"));
        assertThat(again).extracting(RunningSession::id).doesNotContain(id);
        holds(() -> {
            SessionView view = queries().find(id, Caller.ANONYMOUS).orElseThrow();
            assertThat(view.status()).isEqualTo("interrupted");
            assertThat(view.messages().getLast()).isEqualTo(new ChatTurn(ChatRole.ASSISTANT, "Half an ans"));
            assertThat(view.usageEstimated()).isTrue();
        });
    }

    @Test
    void nodes_taking_over_at_the_same_time_never_both_get_a_session() throws Exception {
        // given twenty sessions of a dead node
        Set<SessionId> left = new java.util.HashSet<>();
        for (int i = 0; i < 20; i++) {
            SessionId id = newId();
            left.add(id);
            deadNodeJournal().opened(TestSessions.opened(id, Caller.ANONYMOUS, AgentRole.PRIMARY, T0));
        }
        deadNodeWritesLanded();
        List<StreamLeases> nodes = List.of(liveNode(), liveNode(), liveNode());

        // when three nodes take over at once, again and again
        List<SessionId> taken = Collections.synchronizedList(new ArrayList<>());
        var start = new CountDownLatch(1);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> runs = new ArrayList<>();
            for (StreamLeases node : nodes) {
                runs.add(threads.submit(() -> {
                    start.await();
                    for (int round = 0; round < 5; round++) {
                        node.takeOverAbandoned(T0.plusSeconds(60)).forEach(s -> taken.add(s.id()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get();
            }
        }
        nodes.getFirst().takeOverAbandoned(T0.plusSeconds(60)).forEach(s -> taken.add(s.id()));

        // then every session was taken by exactly one of them
        assertThat(taken.stream().filter(left::contains).toList()).hasSize(20).doesNotHaveDuplicates();
    }
}
