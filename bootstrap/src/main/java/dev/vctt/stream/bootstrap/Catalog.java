package dev.vctt.stream.bootstrap;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models the server knows by default: which provider serves each, and its list price with the
 * source and day it was read (USD per million input / output tokens). The default routes are
 * PRODUCT.md's.
 */
final class Catalog {

    private static final LocalDate READ_ON = LocalDate.of(2026, 11, 22);
    private static final String OPENAI_PRICES = "platform.openai.com/docs/pricing (via shared/sse/README.md)";
    private static final String ANTHROPIC_PRICES = "docs.anthropic.com/en/docs/about-claude/pricing (via shared/sse/README.md)";
    private static final String XAI_PRICES = "docs.x.ai/developers/models (via shared/sse/README.md)";

    static final ModelRoute GPT_4O = ModelRoute.of("gpt-4o", ProviderId.OPENAI);
    static final ModelRoute GPT_4O_MINI = ModelRoute.of("gpt-4o-mini", ProviderId.OPENAI);
    static final ModelRoute CLAUDE_SONNET = ModelRoute.of("claude-sonnet-4-5", ProviderId.ANTHROPIC);
    static final ModelRoute GROK_FAST = ModelRoute.of("grok-4-1-fast", ProviderId.XAI);

    /** A model the server may call: who serves it and what it costs. */
    record Model(ModelRoute route, PriceEntry price) {
    }

    private Catalog() {
    }

    static List<Model> defaultModels() {
        return List.of(
                new Model(GPT_4O, new PriceEntry(Price.perMillion("2.50", "10.00"), OPENAI_PRICES, READ_ON)),
                new Model(GPT_4O_MINI, new PriceEntry(Price.perMillion("0.15", "0.60"), OPENAI_PRICES, READ_ON)),
                new Model(CLAUDE_SONNET, new PriceEntry(Price.perMillion("3.00", "15.00"), ANTHROPIC_PRICES, READ_ON)),
                new Model(GROK_FAST, new PriceEntry(Price.perMillion("0.20", "0.50"), XAI_PRICES, READ_ON)));
    }

    static PriceTable prices(List<Model> models) {
        var entries = new LinkedHashMap<ModelId, PriceEntry>();
        models.forEach(model -> entries.put(model.route().model(), model.price()));
        return new PriceTable(entries);
    }

    /** PRODUCT.md's routes, keeping only models whose provider is wired. */
    static RouteTable defaultRoutes(Set<ProviderId> wired) {
        var chains = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            chains.put(role, chain(wired, GPT_4O, CLAUDE_SONNET));
        }
        chains.put(AgentRole.VERIFICATION, chain(wired, GROK_FAST, GPT_4O));
        return new RouteTable(chains);
    }

    private static FallbackChain chain(Set<ProviderId> wired, ModelRoute... models) {
        return new FallbackChain(java.util.Arrays.stream(models).filter(m -> wired.contains(m.provider())).toList());
    }

    static Map<ModelId, ModelRoute> byModel(List<Model> models) {
        var routes = new LinkedHashMap<ModelId, ModelRoute>();
        models.forEach(model -> routes.put(model.route().model(), model.route()));
        return routes;
    }
}
