package dev.vctt.stream.application.port.out;

import java.util.Objects;

/** How one tool call ended. Every outcome but {@link Cancelled} is given back to the model. */
public sealed interface ToolOutcome {

    /** The server answered; {@code error} when the tool itself reported an error. */
    record Answered(String content, boolean error) implements ToolOutcome {
        public Answered {
            Objects.requireNonNull(content, "content");
        }
    }

    /** The call did not end within its timeout. */
    record TimedOut() implements ToolOutcome {
    }

    /** The call broke: the server is down, died mid-call, or answered with a protocol error. */
    record Broke(String detail) implements ToolOutcome {
        public Broke {
            Objects.requireNonNull(detail, "detail");
        }
    }

    /** The stream stopped while the call ran; the server was told to cancel it. */
    record Cancelled() implements ToolOutcome {
    }
}
