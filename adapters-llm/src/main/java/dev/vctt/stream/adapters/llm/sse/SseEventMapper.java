package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.routing.FailureKind;
import java.net.http.HttpHeaders;
import java.time.Instant;

/**
 * A provider's wire format: turns its events into text, usage and an end. One instance per stream
 * (it may keep state, such as tool-call fragments), called from one thread.
 */
public interface SseEventMapper {

    Step onEvent(SseEvent event, Emitter out);

    /** The body ended before the provider's end marker. */
    default ProviderFailure endedEarly() {
        return ProviderFailure.of(FailureKind.CONNECTION_LOST, "the stream ended before its end marker");
    }

    /**
     * What an HTTP error answer (any status but 200) means. Most families follow the status
     * ({@link HttpFailures#of}); one whose statuses say less than its body (Gemini answers a bad key
     * with 400) reads the body too.
     */
    default ProviderFailure httpFailure(int status, HttpHeaders headers, String body, Instant now) {
        return HttpFailures.of(status, headers, body, now);
    }
}
