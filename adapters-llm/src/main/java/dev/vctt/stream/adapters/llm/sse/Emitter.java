package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.application.port.out.ToolCall;
import dev.vctt.stream.domain.cost.ReportedUsage;

/** Where a provider's mapper puts what it found in an event. */
public interface Emitter {

    void text(String text);

    void usage(ReportedUsage usage);

    /** A tool call, once all its fragments have arrived. */
    void toolCall(ToolCall call);

    /** The model is producing output that is not text yet (a tool-call fragment): it counts as the first token. */
    void progress();
}
