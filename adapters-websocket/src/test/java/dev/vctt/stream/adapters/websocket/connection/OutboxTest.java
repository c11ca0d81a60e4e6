package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboxTest {

    /** A transport that completes sends only when the test says so. */
    private static final class ManualSender implements Outbox.Sender {
        final List<String> sent = new ArrayList<>();
        final List<Consumer<Throwable>> pending = new ArrayList<>();

        @Override
        public void send(String frame, Consumer<Throwable> done) {
            sent.add(frame);
            pending.add(done);
        }

        void completeOldest() {
            pending.removeFirst().accept(null);
        }
    }

    private final AtomicInteger overflows = new AtomicInteger();

    @Test
    void hands_at_most_a_window_of_frames_to_the_transport_in_order() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 1000, 2, overflows::incrementAndGet);

        outbox.offer("a");
        outbox.offer("b");
        outbox.offer("c");
        assertThat(sender.sent).containsExactly("a", "b");

        sender.completeOldest();
        assertThat(sender.sent).containsExactly("a", "b", "c");
        assertThat(outbox.pendingChars()).isEqualTo(2);
    }

    @Test
    void a_client_that_does_not_read_overflows_the_outbox_once_and_is_given_up() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 10, 1, overflows::incrementAndGet);

        assertThat(outbox.offer("12345")).isTrue();
        assertThat(outbox.offer("12345")).isTrue();
        assertThat(outbox.offer("1")).isFalse();
        assertThat(outbox.offer("1")).isFalse();

        assertThat(overflows).hasValue(1);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.pendingChars()).isZero();
        sender.completeOldest();
        assertThat(sender.sent).containsExactly("12345");
    }

    @Test
    void a_failed_send_closes_the_outbox() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 100, 4, overflows::incrementAndGet);
        outbox.offer("a");

        sender.pending.removeFirst().accept(new RuntimeException("broken pipe"));

        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer("b")).isFalse();
        assertThat(overflows).hasValue(0);
    }

    @Test
    void completions_on_the_sending_thread_keep_order_and_do_not_recurse_without_bound() {
        var sent = new ArrayList<String>();
        var outbox = new Outbox((frame, done) -> {
            sent.add(frame);
            done.accept(null);
        }, 100_000, 1, overflows::incrementAndGet);

        for (int i = 0; i < 10_000; i++) {
            outbox.offer(Integer.toString(i));
        }

        assertThat(sent).hasSize(10_000);
        assertThat(sent.get(9_999)).isEqualTo("9999");
        assertThat(outbox.pendingChars()).isZero();
    }

    @Test
    void frames_offered_from_many_threads_all_arrive_exactly_once() throws Exception {
        var sent = java.util.Collections.synchronizedList(new ArrayList<String>());
        var outbox = new Outbox((frame, done) -> {
            sent.add(frame);
            Thread.ofVirtual().start(() -> done.accept(null));
        }, 1 << 20, 8, overflows::incrementAndGet);

        var threads = new ArrayList<Thread>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    outbox.offer(thread + ":" + i);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (sent.size() < 8000 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertThat(sent).hasSize(8000).doesNotHaveDuplicates();
        for (int t = 0; t < 8; t++) {
            String prefix = t + ":";
            List<Integer> order = sent.stream().filter(f -> f.startsWith(prefix))
                    .map(f -> Integer.parseInt(f.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }
}
