package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

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

    private final List<Outbox.GiveUp> givenUp = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void hands_at_most_a_window_of_frames_to_the_transport_in_order() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 1000, 2, givenUp::add);

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
        var outbox = new Outbox(sender, 10, 1, givenUp::add);

        assertThat(outbox.offer("12345")).isTrue();
        assertThat(outbox.offer("12345")).isTrue();
        assertThat(outbox.offer("1")).isFalse();
        assertThat(outbox.offer("1")).isFalse();

        assertThat(givenUp).containsExactly(Outbox.GiveUp.SLOW_CONSUMER);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.pendingChars()).isZero();
        sender.completeOldest();
        assertThat(sender.sent).containsExactly("12345");
    }

    /** Stands for a frame's JSON around the chunk's text. */
    private static final String OVERHEAD = " " + "-".repeat(50);

    /** A chunk whose frame is {@code stream:text@index} and 51 characters more, so a merged frame shows what it carries. */
    private static Outbox.Chunk chunk(String stream, String text, int index) {
        return new Outbox.Chunk(stream, text, joined -> stream + ":" + joined + "@" + index + OVERHEAD);
    }

    @Test
    void chunks_of_a_stream_that_back_up_are_merged_into_one_frame_before_the_client_is_given_up() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 200, 1, givenUp::add);
        outbox.offer("start");
        outbox.offer(chunk("a", "one ", 0));
        outbox.offer(chunk("a", "two ", 1));
        outbox.offer(chunk("a", "three ", 2));
        assertThat(outbox.pendingChars()).isEqualTo(5 + 3 * 55 + 4 + 4 + 6);

        assertThat(outbox.offer(chunk("a", "four", 3))).isTrue();

        assertThat(givenUp).isEmpty();
        assertThat(outbox.mergedChunks()).isEqualTo(3);
        assertThat(outbox.pendingChars()).isEqualTo(5 + ("a:one two three four@3" + OVERHEAD).length());
        sender.completeOldest();
        assertThat(sender.sent).containsExactly("start", "a:one two three four@3" + OVERHEAD);
    }

    @Test
    void chunks_of_other_streams_stay_where_they_are_when_a_stream_is_merged() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 300, 1, givenUp::add);
        outbox.offer("start");
        outbox.offer(chunk("a", "one ", 0));
        outbox.offer(chunk("b", "uno ", 0));
        outbox.offer(chunk("a", "two ", 1));
        outbox.offer(chunk("a", "three ", 2));

        assertThat(outbox.offer(chunk("a", "four", 3))).isTrue();

        assertThat(givenUp).isEmpty();
        sender.completeOldest();
        sender.completeOldest();
        assertThat(sender.sent).containsExactly("start", "a:one two three four@3" + OVERHEAD, "b:uno @0" + OVERHEAD);
    }

    @Test
    void chunks_are_never_merged_across_a_frame_that_is_no_chunk() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 300, 1, givenUp::add);
        outbox.offer("start");
        outbox.offer(chunk("a", "one ", 0));
        outbox.offer("fallback");
        outbox.offer(chunk("a", "two ", 1));
        outbox.offer(chunk("a", "three ", 2));
        outbox.offer(chunk("a", "four ", 3));

        assertThat(outbox.offer(chunk("a", "five", 4))).isTrue();

        assertThat(givenUp).isEmpty();
        for (int i = 0; i < 3; i++) {
            sender.completeOldest();
        }
        assertThat(sender.sent).containsExactly("start", "a:one @0" + OVERHEAD, "fallback",
                "a:two three four five@4" + OVERHEAD);
    }

    @Test
    void a_merge_that_would_not_free_half_the_outbox_gives_the_client_up() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 200, 1, givenUp::add);
        outbox.offer("start");
        outbox.offer(chunk("a", "x".repeat(80), 0));

        assertThat(outbox.offer(chunk("a", "y".repeat(80), 1))).isFalse();

        assertThat(givenUp).containsExactly(Outbox.GiveUp.SLOW_CONSUMER);
        assertThat(outbox.mergedChunks()).isZero();
    }

    @Test
    void a_chunk_that_fits_is_queued_as_it_is() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 1000, 1, givenUp::add);
        outbox.offer(chunk("a", "one ", 0));
        outbox.offer(chunk("a", "two ", 1));

        sender.completeOldest();

        assertThat(sender.sent).containsExactly("a:one @0" + OVERHEAD, "a:two @1" + OVERHEAD);
        assertThat(outbox.mergedChunks()).isZero();
    }

    @Test
    void a_failed_send_closes_the_outbox_and_gives_up_on_the_client() {
        var sender = new ManualSender();
        var outbox = new Outbox(sender, 100, 4, givenUp::add);
        outbox.offer("a");

        sender.pending.removeFirst().accept(new RuntimeException("broken pipe"));

        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer("b")).isFalse();
        assertThat(givenUp).containsExactly(Outbox.GiveUp.SEND_FAILED);
    }

    /** Tyrus throws {@link Error} (not an exception) from {@code sendText} when it cannot encode a frame. */
    static Stream<Throwable> what_a_sender_throws() {
        return Stream.of(new IllegalStateException("closed"), new Error(new java.nio.charset.MalformedInputException(1)));
    }

    @ParameterizedTest
    @MethodSource("what_a_sender_throws")
    void a_sender_that_throws_never_leaves_the_outbox_stuck_it_gives_up_on_the_client(Throwable thrown) {
        var sent = new ArrayList<String>();
        var outbox = new Outbox((frame, done) -> {
            sent.add(frame);
            if (frame.equals("bad")) {
                throw sneaky(thrown);
            }
            done.accept(null);
        }, 100, 1, givenUp::add);
        outbox.offer("ok");

        boolean accepted = outbox.offer("bad");

        assertThat(accepted).isTrue();
        assertThat(givenUp).containsExactly(Outbox.GiveUp.SEND_FAILED);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.pendingChars()).isZero();
        assertThat(outbox.offer("after")).isFalse();
        assertThat(sent).containsExactly("ok", "bad");
    }

    @Test
    void a_send_the_transport_never_reports_done_gives_up_on_the_client_at_the_next_offer_after_the_stall_timeout() {
        // given: a transport that takes a frame and never reports it written
        var sender = new ManualSender();
        var now = new java.util.concurrent.atomic.AtomicLong();
        var outbox = new Outbox(sender, 1000, 1, java.time.Duration.ofSeconds(5), now::get, givenUp::add);
        outbox.offer("a");

        // when
        now.addAndGet(java.time.Duration.ofSeconds(5).toNanos());
        boolean withinTimeout = outbox.offer("b");
        now.incrementAndGet();
        boolean afterTimeout = outbox.offer("c");

        // then
        assertThat(withinTimeout).isTrue();
        assertThat(afterTimeout).isFalse();
        assertThat(givenUp).containsExactly(Outbox.GiveUp.SLOW_CONSUMER);
        assertThat(outbox.isClosed()).isTrue();
    }

    @Test
    void sends_that_complete_never_count_as_stalled_however_long_the_connection_lives() {
        var sender = new ManualSender();
        var now = new java.util.concurrent.atomic.AtomicLong();
        var outbox = new Outbox(sender, 1000, 1, java.time.Duration.ofSeconds(5), now::get, givenUp::add);

        for (int i = 0; i < 10; i++) {
            outbox.offer("f" + i);
            now.addAndGet(java.time.Duration.ofSeconds(4).toNanos());
            sender.completeOldest();
        }

        assertThat(givenUp).isEmpty();
        assertThat(sender.sent).hasSize(10);
    }

    @Test
    void a_completion_reported_twice_counts_once() {
        var outbox = new Outbox((frame, done) -> {
            done.accept(null);
            done.accept(null);
        }, 100, 1, givenUp::add);

        outbox.offer("a");
        outbox.offer("b");

        assertThat(outbox.pendingChars()).isZero();
        assertThat(outbox.offer("c")).isTrue();
        assertThat(givenUp).isEmpty();
    }

    @Test
    void giving_up_from_outside_closes_once() {
        var outbox = new Outbox(new ManualSender(), 100, 1, givenUp::add);

        outbox.giveUp(Outbox.GiveUp.SEND_FAILED);
        outbox.giveUp(Outbox.GiveUp.SEND_FAILED);

        assertThat(outbox.isClosed()).isTrue();
        assertThat(givenUp).containsExactly(Outbox.GiveUp.SEND_FAILED);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable thrown) throws T {
        throw (T) thrown;
    }

    @Test
    void completions_on_the_sending_thread_keep_order_and_do_not_recurse_without_bound() {
        var sent = new ArrayList<String>();
        var outbox = new Outbox((frame, done) -> {
            sent.add(frame);
            done.accept(null);
        }, 100_000, 1, givenUp::add);

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
        }, 1 << 20, 8, givenUp::add);

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
