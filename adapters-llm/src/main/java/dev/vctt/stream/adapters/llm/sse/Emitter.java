package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.domain.cost.ReportedUsage;

/** Where a provider's mapper puts what it found in an event. */
public interface Emitter {

    void text(String text);

    void usage(ReportedUsage usage);
}
