package dev.vctt.stream.domain.tool;

/**
 * Whether a stream whose model asked for tools may ask a model again: at most {@code maxSteps} model
 * steps per stream (the first answer is step 1), and each further step must fit the budget.
 */
public final class ToolLoopPolicy {

    private ToolLoopPolicy() {
    }

    public sealed interface NextStep {
        /** Run the tools and ask the model again. */
        record RunTools() implements NextStep {
        }

        /** The step limit is reached: end the stream with {@code tool_steps}. */
        record StepLimit() implements NextStep {
        }
    }

    public static NextStep after(int stepsDone, int maxSteps) {
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be at least 1");
        }
        return stepsDone < maxSteps ? new NextStep.RunTools() : new NextStep.StepLimit();
    }
}
