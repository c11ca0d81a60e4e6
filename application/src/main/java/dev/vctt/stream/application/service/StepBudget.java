package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.cost.BudgetPolicy;
import dev.vctt.stream.domain.cost.TokenCount;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.request.ChatTurn;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelRoute;
import java.util.List;
import java.util.OptionalInt;

/** The worst case of one model step: the dearest model of the chain, asked the whole conversation, writing every token it may. */
final class StepBudget {

    private StepBudget() {
    }

    static Usd worstCase(StreamDependencies deps, FallbackChain chain, List<ChatTurn> conversation,
                         OptionalInt maxOutput) {
        Usd worst = Usd.ZERO;
        for (ModelRoute route : chain.models()) {
            Usd cost = BudgetPolicy.worstCase(deps.prices().priceOf(route.model()),
                    PromptTokens.estimate(deps.tokenizer(), route.model(), conversation),
                    TokenCount.of(maxOutput.orElse(0)));
            if (cost.compareTo(worst) > 0) {
                worst = cost;
            }
        }
        return worst;
    }
}
