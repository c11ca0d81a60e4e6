package dev.vctt.stream.adapters.llm.demo;

import dev.vctt.stream.application.port.out.CompletionListener;
import dev.vctt.stream.application.port.out.CompletionRequest;
import dev.vctt.stream.application.port.out.LlmProvider;
import dev.vctt.stream.application.port.out.StreamHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * An offline model, so that the server is useful on a machine with no provider key: it streams a
 * deterministic answer derived from the question (saying that it is the demo), one word-sized token
 * at a time at a steady pace, reports its usage, and honours cancellation at once. Each stream runs
 * on its own virtual thread, where all its callbacks happen, one at a time.
 */
public final class DemoLlmProvider implements LlmProvider {

    /** A pace that reads like a real model: about 30 tokens a second. */
    public static final int DEFAULT_TOKENS_PER_SECOND = 30;

    /** How many token intervals the demo "thinks" before its first token. */
    private static final int FIRST_TOKEN_INTERVALS = 5;

    private final Duration perToken;
    private final ThreadFactory threads = Thread.ofVirtual().name("demo-llm-", 0).factory();

    public DemoLlmProvider(Duration perToken) {
        Objects.requireNonNull(perToken, "perToken");
        if (perToken.isNegative()) {
            throw new IllegalArgumentException("the time per token must not be negative: " + perToken);
        }
        this.perToken = perToken;
    }

    public static DemoLlmProvider atTokensPerSecond(int tokensPerSecond) {
        if (tokensPerSecond < 1) {
            throw new IllegalArgumentException("tokens per second must be at least 1: " + tokensPerSecond);
        }
        return new DemoLlmProvider(Duration.ofNanos(1_000_000_000L / tokensPerSecond));
    }

    @Override
    public StreamHandle stream(CompletionRequest request, CompletionListener listener) {
        var stream = new DemoStream(DemoAnswer.to(request), request, listener, perToken.multipliedBy(FIRST_TOKEN_INTERVALS),
                perToken);
        threads.newThread(stream).start();
        return stream;
    }
}
