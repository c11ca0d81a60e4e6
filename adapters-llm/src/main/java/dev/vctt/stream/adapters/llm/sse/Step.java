package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.session.FinishReason;

/** What a provider's mapper makes of one event: go on, the answer is complete, or the stream failed. */
public sealed interface Step {

    Step CONTINUE = new Continue();

    static Step done(FinishReason reason) {
        return new Done(reason);
    }

    static Step fail(ProviderFailure failure) {
        return new Fail(failure);
    }

    record Continue() implements Step {
    }

    record Done(FinishReason reason) implements Step {
    }

    record Fail(ProviderFailure failure) implements Step {
    }
}
