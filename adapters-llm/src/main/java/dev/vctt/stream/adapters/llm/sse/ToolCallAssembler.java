package dev.vctt.stream.adapters.llm.sse;

import dev.vctt.stream.application.port.out.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins streamed tool-call fragments by their index (parallel calls interleave) into complete
 * calls. Arguments are JSON text split anywhere; they are only whole once the call is finished.
 */
public final class ToolCallAssembler {

    private static final class Pending {
        private String id = "";
        private String name = "";
        private final StringBuilder arguments = new StringBuilder();
    }

    private final Map<Integer, Pending> pending = new TreeMap<>();

    public void start(int index, String id, String name) {
        Pending call = pending.computeIfAbsent(index, i -> new Pending());
        if (id != null && !id.isEmpty()) {
            call.id = id;
        }
        if (name != null && !name.isEmpty()) {
            call.name = name;
        }
    }

    public void append(int index, String argumentsFragment) {
        pending.computeIfAbsent(index, i -> new Pending()).arguments.append(argumentsFragment);
    }

    public boolean isEmpty() {
        return pending.isEmpty();
    }

    /** The finished call at that index, if one was started there. */
    public List<ToolCall> finish(int index) {
        Pending call = pending.remove(index);
        return call == null ? List.of() : List.of(complete(call));
    }

    /** Every call still open, in index order. */
    public List<ToolCall> finishAll() {
        var calls = new ArrayList<ToolCall>(pending.size());
        pending.values().forEach(call -> calls.add(complete(call)));
        pending.clear();
        return calls;
    }

    private static ToolCall complete(Pending call) {
        String arguments = call.arguments.isEmpty() ? "{}" : call.arguments.toString();
        return new ToolCall(call.id, call.name.isEmpty() ? "unnamed" : call.name, arguments);
    }
}
