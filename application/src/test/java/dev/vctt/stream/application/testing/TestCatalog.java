package dev.vctt.stream.application.testing;

import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceEntry;
import dev.vctt.stream.domain.cost.PriceTable;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.FallbackChain;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import dev.vctt.stream.domain.routing.RouteTable;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.Map;

/** Routes and prices for tests: the product's defaults, with the published prices. */
public final class TestCatalog {

    public static final ModelRoute GPT_4O = ModelRoute.of("gpt-4o", ProviderId.OPENAI);
    public static final ModelRoute CLAUDE = ModelRoute.of("claude-sonnet-4-5", ProviderId.ANTHROPIC);
    public static final ModelRoute GROK = ModelRoute.of("grok-4-1-fast-non-reasoning", ProviderId.XAI);

    private TestCatalog() {
    }

    /** Every role to one model. */
    public static RouteTable everyRoleTo(ModelRoute... chain) {
        var chains = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            chains.put(role, FallbackChain.of(chain));
        }
        return new RouteTable(chains);
    }

    /** The default routes of PRODUCT.md. */
    public static RouteTable defaultRoutes() {
        var chains = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            chains.put(role, FallbackChain.of(GPT_4O, CLAUDE));
        }
        chains.put(AgentRole.VERIFICATION, FallbackChain.of(GROK, GPT_4O));
        return new RouteTable(chains);
    }

    public static PriceTable prices() {
        LocalDate day = LocalDate.of(2026, 11, 22);
        return new PriceTable(Map.of(
                GPT_4O.model(), new PriceEntry(Price.perMillion("2.50", "10.00"), "test", day),
                CLAUDE.model(), new PriceEntry(Price.perMillion("3.00", "15.00"), "test", day),
                GROK.model(), new PriceEntry(Price.perMillion("0.20", "0.50"), "test", day),
                ModelId.of("local-model"), new PriceEntry(Price.FREE, "test", day)));
    }
}
