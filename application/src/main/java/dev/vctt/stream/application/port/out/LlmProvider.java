package dev.vctt.stream.application.port.out;

/**
 * For streaming completions from a model.
 *
 * <p>{@link #stream} returns without waiting for the provider (it may have sent the request), so
 * that a stream can be cancelled while it is still connecting. Callbacks for one stream run one at
 * a time on a thread that is not the caller's; {@link CompletionListener#onEnd} arrives exactly
 * once, also after {@link StreamHandle#cancel()}. An implementation never throws across this
 * boundary once {@code stream} has returned: every fault ends the stream as a
 * {@link StreamOutcome.Failed}.
 */
public interface LlmProvider {

    StreamHandle stream(CompletionRequest request, CompletionListener listener);
}
