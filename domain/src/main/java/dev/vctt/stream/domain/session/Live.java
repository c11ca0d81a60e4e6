package dev.vctt.stream.domain.session;

import dev.vctt.stream.domain.cost.ReportedUsage;
import dev.vctt.stream.domain.routing.FailureKind;
import java.time.Instant;
import java.util.OptionalLong;

/** A session that may still change: waiting for its first chunk, or streaming. */
public sealed interface Live extends StreamSession permits Pending, Streaming {

    /** The attempt running now. */
    Attempt attempt();

    /** Chunks sent to the client so far. */
    int chunks();

    Live report(ReportedUsage usage);

    /**
     * Append a chunk of answer text, with its token count where the model's tokenizer is known; the
     * first chunk turns a pending session into a streaming one.
     */
    Streaming append(String text, OptionalLong tokens, Instant at);

    default Streaming append(String text, Instant at) {
        return append(text, OptionalLong.empty(), at);
    }

    /** Hand the session to another model after the current attempt failed. */
    Live fallBackTo(Attempt next, AttemptEnd.Failed why);

    /** The model asked for tools; once they ran, the next step asks a model again in the same session. */
    Live nextStep(Attempt next);

    Completed complete(FinishReason reason, Instant at);

    Cancelled cancel(Instant at);

    Failed fail(FailureKind kind, String detail, Instant at);
}
