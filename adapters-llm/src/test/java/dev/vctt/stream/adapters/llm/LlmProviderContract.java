package dev.vctt.stream.adapters.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import dev.vctt.stream.adapters.llm.sse.HttpFailures;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.adapters.llm.sse.StreamWatchdog;
import dev.vctt.stream.adapters.llm.testing.RecordedRequest;
import dev.vctt.stream.adapters.llm.testing.RecordingCompletionListener;
import dev.vctt.stream.adapters.llm.sse.SseStreamCall;
import dev.vctt.stream.adapters.llm.testing.Reply;
import dev.vctt.stream.adapters.llm.testing.SseReplayServer;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.application.port.out.StreamHandle;
import dev.vctt.stream.application.port.out.StreamOutcome;
import dev.vctt.stream.application.port.out.TextDelta;
import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.request.ChatRole;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.request.Temperature;
import dev.vctt.stream.domain.routing.FailureKind;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.session.FinishReason;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every provider adapter must do, proven against a local server that replays that provider's
 * byte-exact streams: the happy path, every HTTP error status, error events before and after the
 * first chunk, dropped, stalled and cut connections, malformed lines, cancellation. Every case ends
 * in exactly one typed outcome, and nothing hangs.
 *
 * <p>A provider's IT extends this class and answers the hooks with its own transcripts.
 */
public abstract class LlmProviderContract {

    protected static final Duration FIRST_TOKEN_TIMEOUT = Duration.ofMillis(600);
    protected static final Duration IDLE_TIMEOUT = Duration.ofMillis(400);
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** Deadlines only the stall tests mean to reach: short, so that those tests are quick. */
    private static final ProviderTimeouts IMPATIENT = new ProviderTimeouts(Duration.ofSeconds(5), FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT);
    /**
     * Deadlines no other test may reach, even on a busy machine: with the short ones a slow first
     * answer turned a test about something else into a timeout.
     */
    private static final ProviderTimeouts PATIENT = new ProviderTimeouts(Duration.ofSeconds(5), WAIT, WAIT);

    protected SseReplayServer server;
    protected StreamWatchdog watchdog;
    private LlmProvider provider;
    private LlmProvider impatient;

    /** The adapter under test, pointed at the replay server. */
    protected abstract LlmProvider provider(URI baseUrl, ProviderTimeouts timeouts, StreamWatchdog watchdog);

    /** The provider's everyday answer. */
    protected abstract byte[] happyTranscript();

    protected abstract String happyText();

    protected abstract ReportedUsage happyUsage();

    /** A stream whose provider error event comes before any text. */
    protected abstract byte[] errorBeforeFirstChunk();

    /** A stream that sends text, then a provider error event. */
    protected abstract byte[] errorAfterFirstChunk();

    /** The kind the error event of {@link #errorBeforeFirstChunk()} maps to. */
    protected FailureKind errorBeforeFirstChunkKind() {
        return FailureKind.STREAM_ERROR_EVENT;
    }

    /** The kind an in-stream error event of {@link #errorAfterFirstChunk()} maps to. */
    protected FailureKind midStreamErrorKind() {
        return FailureKind.STREAM_ERROR_EVENT;
    }

    /** An event line this provider cannot make sense of. */
    protected abstract byte[] malformedStream();

    /** The provider's error body for an HTTP status, with the given message in it. */
    protected abstract String errorBody(int status, String message);

    /** Checks what the adapter sent for {@link #request()}. */
    protected abstract void assertRequestShape(RecordedRequest request);

    /** The path the adapter posts to, relative to the server root. */
    protected abstract String expectedPath();

    protected CompletionRequest request() {
        return new CompletionRequest(ModelId.of("model-under-test"),
                List.of(new ChatTurn(ChatRole.SYSTEM, "Be brief."), new ChatTurn(ChatRole.USER, "Say hello")),
                new Temperature(0.7), OptionalInt.of(256));
    }

    @BeforeEach
    void start_replay_server() {
        server = SseReplayServer.start();
        watchdog = new StreamWatchdog(Duration.ofMillis(20));
        provider = provider(server.baseUrl(), PATIENT, watchdog);
        impatient = provider(server.baseUrl(), IMPATIENT, watchdog);
    }

    @AfterEach
    void stop_replay_server() throws Exception {
        server.close();
        watchdog.close();
        for (LlmProvider used : List.of(provider, impatient)) {
            if (used instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    private RecordingCompletionListener run(Reply reply) {
        return run(reply, provider);
    }

    private RecordingCompletionListener run(Reply reply, LlmProvider with) {
        server.enqueue(reply);
        var listener = new RecordingCompletionListener();
        with.stream(request(), listener);
        listener.awaitEnd(WAIT);
        return listener;
    }

    /** A provider at the port of {@code probe}, which is closed first: nothing listens there. */
    private LlmProvider unreachable(ServerSocket probe) throws IOException {
        probe.close();
        return provider(URI.create("http://127.0.0.1:" + probe.getLocalPort() + "/v1"), PATIENT, watchdog);
    }

    private static ProviderFailure failure(StreamOutcome outcome) {
        assertThat(outcome).isInstanceOf(StreamOutcome.Failed.class);
        return ((StreamOutcome.Failed) outcome).failure();
    }

    @Test
    void streams_the_answer_text_in_order_with_the_reported_usage() throws Exception {
        RecordingCompletionListener listener = run(Reply.sse(happyTranscript()));

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(listener.text()).isEqualTo(happyText());
        assertThat(listener.deltas()).hasSizeGreaterThan(1).allSatisfy(delta -> assertThat(delta).isNotEmpty());
        assertThat(listener.usage()).isEqualTo(happyUsage());
        assertThat(listener.toolCalls()).isEmpty();
        listener.assertEndedOnce();
    }

    /**
     * A connection the HTTP client keeps for the next request holds on to the exchange that opened
     * it, and through it to the call's body handler: the call must not keep its listener (on the
     * server, the stream and all it reaches) once the stream has ended.
     */
    @Test
    void a_connection_kept_for_the_next_request_does_not_keep_the_ended_streams_listener() throws Exception {
        HttpServer keepAlive = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        keepAlive.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(happyTranscript());
            }
        });
        keepAlive.start();
        LlmProvider pooled = provider(URI.create("http://127.0.0.1:" + keepAlive.getAddress().getPort() + "/v1"),
                PATIENT, watchdog);
        try {
            WeakReference<RecordingCompletionListener> ended = new WeakReference<>(streamToEnd(pooled));

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (ended.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.onSpinWait();
            }
            assertThat(ended.get()).as("the ended stream's listener").isNull();
        } finally {
            if (pooled instanceof AutoCloseable closeable) {
                closeable.close();
            }
            keepAlive.stop(0);
        }
    }

    private RecordingCompletionListener streamToEnd(LlmProvider with) {
        var listener = new RecordingCompletionListener();
        with.stream(request(), listener);
        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        return listener;
    }

    @Test
    void sends_the_request_the_provider_expects() {
        run(Reply.sse(happyTranscript()));

        RecordedRequest sent = server.takeRequest(WAIT);
        assertThat(sent.method()).isEqualTo("POST");
        assertThat(sent.path()).isEqualTo(expectedPath());
        assertThat(sent.header("content-type")).startsWith("application/json");
        assertRequestShape(sent);
    }

    @Test
    void callbacks_run_one_at_a_time_never_on_the_callers_thread_and_end_on_a_virtual_thread() throws Exception {
        RecordingCompletionListener listener = run(Reply.sse(happyTranscript()).inWritesOf(3));

        assertThat(listener.threads()).isNotEmpty().doesNotContain(Thread.currentThread());
        assertThat(listener.endThread().isVirtual()).as("the end, which may block, on a virtual thread").isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void a_virtual_caller_which_sends_the_request_itself_hears_no_callback_on_its_thread() throws Exception {
        LlmProvider unreachable = unreachable(new ServerSocket(0));
        server.enqueue(Reply.sse(happyTranscript()));
        var answered = new RecordingCompletionListener();
        var refused = new RecordingCompletionListener();

        Thread caller = Thread.ofVirtual().start(() -> {
            provider.stream(request(), answered);
            unreachable.stream(request(), refused);
        });

        assertThat(caller.join(WAIT)).as("stream returns without waiting for the provider").isTrue();
        assertThat(answered.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(failure(refused.awaitEnd(WAIT)).kind()).isEqualTo(FailureKind.CONNECT);
        assertThat(answered.threads()).isNotEmpty().doesNotContain(caller);
        assertThat(refused.threads()).isNotEmpty().doesNotContain(caller);
        answered.assertEndedOnce();
        refused.assertEndedOnce();
    }

    @Test
    void a_paced_streams_chunks_are_relayed_by_the_thread_that_read_them() throws Exception {
        RecordingCompletionListener paced = run(Reply.sse(happyTranscript()).pacedBy(Duration.ofMillis(50)));

        assertThat(paced.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(paced.text()).isEqualTo(happyText());
        // relayed where it was read, a chunk wakes no other thread (a stall can make two arrive back
        // to back, and those go to the stream's virtual thread: not every chunk need be inline)
        assertThat(paced.chunkThreads()).as("relayed by the reading thread").anyMatch(thread -> !thread.isVirtual());
        paced.assertEndedOnce();
    }

    @Test
    void a_burst_is_relayed_in_order_by_a_virtual_thread_and_the_end_comes_after_it() throws Exception {
        byte[] transcript = happyTranscript();
        assumeTrue(transcript.length > SseStreamCall.INLINE_BYTES + 512, "the transcript is no burst");
        RecordingCompletionListener burst = run(Reply.sse(transcript).inWritesOf(1 << 16));

        assertThat(burst.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Completed(FinishReason.STOP));
        assertThat(burst.text()).isEqualTo(happyText());
        assertThat(burst.chunkThreads()).as("relayed by a virtual thread").anyMatch(Thread::isVirtual);
        burst.assertEndedOnce();
    }

    @Test
    void the_same_answer_arrives_whatever_the_network_splits() {
        RecordingCompletionListener whole = run(Reply.sse(happyTranscript()).inWritesOf(1 << 16));
        RecordingCompletionListener byteByByte = run(Reply.sse(happyTranscript()).inWritesOf(1));

        assertThat(byteByByte.text()).isEqualTo(whole.text()).isEqualTo(happyText());
        assertThat(byteByByte.usage()).isEqualTo(whole.usage());
        assertThat(byteByByte.awaitEnd(WAIT)).isEqualTo(whole.awaitEnd(WAIT));
    }

    static Stream<Arguments> http_errors() {
        return Stream.of(
                Arguments.of(400, FailureKind.BAD_REQUEST), Arguments.of(401, FailureKind.UNAUTHORIZED),
                Arguments.of(403, FailureKind.FORBIDDEN), Arguments.of(404, FailureKind.NOT_FOUND),
                Arguments.of(408, FailureKind.REQUEST_TIMEOUT), Arguments.of(409, FailureKind.CONFLICT),
                Arguments.of(429, FailureKind.RATE_LIMITED), Arguments.of(500, FailureKind.SERVER_ERROR),
                Arguments.of(503, FailureKind.OVERLOADED), Arguments.of(529, FailureKind.OVERLOADED));
    }

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @MethodSource("http_errors")
    void an_http_error_status_ends_as_a_typed_failure_with_the_providers_message(int status, FailureKind kind)
            throws Exception {
        Reply reply = Reply.status(status, errorBody(status, "what went wrong " + status));
        if (status == 429) {
            reply.header("Retry-After", "7");
        }

        RecordingCompletionListener listener = run(reply);

        ProviderFailure failure = failure(listener.awaitEnd(WAIT));
        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.httpStatus()).hasValue(status);
        assertThat(failure.detail()).contains("what went wrong " + status);
        assertThat(failure.retryAfter()).isEqualTo(status == 429 ? java.util.Optional.of(Duration.ofSeconds(7))
                : java.util.Optional.empty());
        assertThat(listener.deltas()).isEmpty();
        listener.assertEndedOnce();
    }

    @Test
    void an_error_event_before_the_first_chunk_fails_without_text() throws Exception {
        RecordingCompletionListener listener = run(Reply.sse(errorBeforeFirstChunk()));

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(errorBeforeFirstChunkKind());
        assertThat(listener.deltas()).isEmpty();
        listener.assertEndedOnce();
    }

    @Test
    void an_error_event_after_the_first_chunk_fails_after_the_text_it_sent() throws Exception {
        RecordingCompletionListener listener = run(Reply.sse(errorAfterFirstChunk()));

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(midStreamErrorKind());
        assertThat(listener.deltas()).isNotEmpty();
        listener.assertEndedOnce();
    }

    @Test
    void a_connection_dropped_mid_body_is_a_lost_connection() throws Exception {
        byte[] body = happyTranscript();
        RecordingCompletionListener listener = run(Reply.sse(body).dropAfter(body.length / 2));

        ProviderFailure failure = failure(listener.awaitEnd(WAIT));
        assertThat(failure.kind()).isEqualTo(FailureKind.CONNECTION_LOST);
        assertThat(failure.detail()).as("names what failed").contains("connection lost").doesNotContain("null");
        assertThat(failure.detail()).as("not where: clients see it").doesNotContain(HttpFailures.target(server.baseUrl()))
                .doesNotContain(server.baseUrl().getHost());
        listener.assertEndedOnce();
    }

    @Test
    void a_stall_before_the_first_byte_times_out_and_closes_the_upstream_connection() throws Exception {
        long started = System.nanoTime();
        RecordingCompletionListener listener = run(Reply.stallBeforeHeaders(), impatient);

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(FailureKind.TIMEOUT_FIRST_TOKEN);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(FIRST_TOKEN_TIMEOUT);
        assertThat(server.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void a_stall_between_chunks_times_out_and_closes_the_upstream_connection() throws Exception {
        byte[] body = happyTranscript();
        int afterFirstText = firstEventBoundaryAfterText(body);
        RecordingCompletionListener listener = run(Reply.sse(body).stallAfter(afterFirstText), impatient);

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(FailureKind.TIMEOUT_IDLE);
        assertThat(listener.deltas()).isNotEmpty();
        assertThat(server.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void a_malformed_line_is_a_malformed_stream() throws Exception {
        RecordingCompletionListener listener = run(Reply.sse(malformedStream()));

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(FailureKind.MALFORMED_STREAM);
        listener.assertEndedOnce();
    }

    static IntStream seeds() {
        return IntStream.range(0, 3);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void a_body_cut_at_random_offsets_never_hangs_and_never_passes_for_complete(int seed) throws Exception {
        byte[] body = happyTranscript();
        int endMarker = endMarkerOffset(body);
        var random = new Random(seed);
        for (int i = 0; i < 12; i++) {
            int cut = random.nextInt(body.length);
            boolean closeDelimited = random.nextBoolean();
            Reply reply = closeDelimited ? Reply.sse(body).closeDelimitedCutAfter(cut) : Reply.sse(body).cutAfter(cut);

            RecordingCompletionListener listener = run(reply);

            StreamOutcome outcome = listener.awaitEnd(WAIT);
            if (cut < endMarker) {
                assertThat(outcome).as("cut at %d of %d (%s)", cut, body.length, closeDelimited ? "close" : "chunked")
                        .isInstanceOf(StreamOutcome.Failed.class);
                assertThat(failure(outcome).kind()).isIn(FailureKind.CONNECTION_LOST, FailureKind.MALFORMED_STREAM);
                assertThat(happyText()).startsWith(listener.text());
            }
            listener.assertEndedOnce();
        }
    }

    @Test
    void cancel_before_the_first_token_ends_as_cancelled_and_closes_the_upstream_connection() throws Exception {
        server.enqueue(Reply.stallBeforeHeaders());
        var listener = new RecordingCompletionListener();
        StreamHandle handle = provider.stream(request(), listener);
        server.takeRequest(WAIT);

        handle.cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Cancelled());
        assertThat(handle.isCancelled()).isTrue();
        assertThat(server.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void cancel_mid_stream_stops_the_text_and_closes_the_upstream_connection() throws Exception {
        // paced well inside the first-token timeout: the first text may be the fourth event
        server.enqueue(Reply.sse(happyTranscript()).pacedBy(Duration.ofMillis(50)));
        var listener = new RecordingCompletionListener();
        StreamHandle handle = provider.stream(request(), listener);
        assertThat(listener.awaitFirstDelta(WAIT)).isTrue();

        handle.cancel();
        handle.cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Cancelled());
        int deltasAtEnd = listener.deltas().size();
        assertThat(server.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        listener.awaitCallbacksOver(WAIT);
        assertThat(listener.deltas()).hasSize(deltasAtEnd);
        assertThat(listener.text()).isNotEqualTo(happyText());
        listener.assertEndedOnce();
    }

    @Test
    void cancel_right_after_start_ends_as_cancelled() throws Exception {
        server.enqueue(Reply.sse(happyTranscript()).pacedBy(Duration.ofMillis(100)));
        var listener = new RecordingCompletionListener();

        provider.stream(request(), listener).cancel();

        assertThat(listener.awaitEnd(WAIT)).isEqualTo(new StreamOutcome.Cancelled());
        listener.assertEndedOnce();
    }

    @Test
    void a_refused_connection_is_a_connect_failure() throws Exception {
        var probe = new ServerSocket(0);
        int closedPort = probe.getLocalPort();
        LlmProvider unreachable = unreachable(probe);
        var listener = new RecordingCompletionListener();

        unreachable.stream(request(), listener);

        ProviderFailure failure = failure(listener.awaitEnd(WAIT));
        assertThat(failure.kind()).isEqualTo(FailureKind.CONNECT);
        assertThat(failure.detail()).as("names what failed").contains("ConnectException").doesNotContain("null");
        assertThat(failure.detail()).as("not where: clients see it").doesNotContain("127.0.0.1")
                .doesNotContain(String.valueOf(closedPort));
        listener.assertEndedOnce();
    }

    @Test
    void a_listener_that_throws_stops_the_stream_as_an_internal_failure_and_closes_upstream() throws Exception {
        server.enqueue(Reply.sse(happyTranscript()).pacedBy(Duration.ofMillis(50)));
        var listener = new RecordingCompletionListener() {
            @Override
            public void onDelta(TextDelta delta) {
                super.onDelta(delta);
                throw new IllegalStateException("listener bug");
            }
        };

        provider.stream(request(), listener);

        assertThat(failure(listener.awaitEnd(WAIT)).kind()).isEqualTo(FailureKind.INTERNAL);
        assertThat(listener.deltas()).hasSize(1);
        assertThat(server.awaitAbandonedByClient(WAIT)).as("upstream connection closed").isTrue();
        listener.assertEndedOnce();
    }

    @Test
    void no_stream_is_left_watched_after_it_ends() {
        run(Reply.sse(happyTranscript()));
        run(Reply.status(500, errorBody(500, "boom")));

        long deadline = System.nanoTime() + WAIT.toNanos();
        while (watchdog.watching() > 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(watchdog.watching()).isZero();
    }

    /** The offset just past the first event that carries answer text. */
    protected int firstEventBoundaryAfterText(byte[] body) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String firstWord = happyText().substring(0, Math.min(3, happyText().length()));
        int at = text.indexOf(firstWord);
        return text.indexOf("\n\n", at) + 2;
    }

    /** The offset at which the provider's end marker event is complete; a cut before it is incomplete. */
    protected abstract int endMarkerOffset(byte[] body);
}
