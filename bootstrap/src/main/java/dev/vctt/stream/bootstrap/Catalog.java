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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The models the server may call (which endpoint serves each, its list price with the source and
 * day it was read, USD per million input / output tokens) and the routes of each agent role.
 * PRODUCT.md's defaults, changed by the {@code VCTT_CONFIG} file, {@code VCTT_PRICES_FILE},
 * {@code VCTT_MODELS} and {@code VCTT_ROUTES}, in that order.
 */
record Catalog(Map<ModelId, Model> models, Map<AgentRole, List<ModelId>> routes) {

    /** The offline demo provider and its one model, always in the catalog, at price zero. */
    static final ProviderId DEMO = ProviderId.of("demo");
    static final ModelId DEMO_MODEL = ModelId.of("demo");

    /** The day the list prices below were read on the providers' own pricing pages; re-read both together. */
    private static final LocalDate READ_ON = LocalDate.of(2026, 11, 22);
    private static final String OPENAI_PRICES = "https://platform.openai.com/docs/pricing";
    private static final String ANTHROPIC_PRICES = "https://docs.anthropic.com/en/docs/about-claude/pricing";
    private static final String XAI_PRICES = "https://docs.x.ai/developers/models";

    /**
     * A model the server may call: which endpoint serves it under which id of its own, what it costs
     * and how many tokens its context window holds (when known).
     */
    record Model(ModelRoute route, ModelId upstreamId, PriceEntry price, OptionalInt contextWindow) {
        Model(ModelRoute route, PriceEntry price) {
            this(route, route.model(), price, OptionalInt.empty());
        }

        Model withPrice(PriceEntry changed) {
            return new Model(route, upstreamId, changed, contextWindow);
        }

        Model withContextWindow(OptionalInt changed) {
            return new Model(route, upstreamId, price, changed);
        }
    }

    Catalog {
        models = Map.copyOf(models);
        var copy = new EnumMap<AgentRole, List<ModelId>>(AgentRole.class);
        routes.forEach((role, chain) -> copy.put(role, List.copyOf(chain)));
        routes = copy;
    }

    static Catalog defaults() {
        var models = new LinkedHashMap<ModelId, Model>();
        add(models, "gpt-4o", ProviderId.OPENAI, "2.50", "10.00", OPENAI_PRICES);
        add(models, "gpt-4o-mini", ProviderId.OPENAI, "0.15", "0.60", OPENAI_PRICES);
        add(models, "claude-sonnet-4-5", ProviderId.ANTHROPIC, "3.00", "15.00", ANTHROPIC_PRICES);
        add(models, "grok-4-1-fast-reasoning", ProviderId.XAI, "0.20", "0.50", XAI_PRICES);
        add(models, "grok-4-1-fast-non-reasoning", ProviderId.XAI, "0.20", "0.50", XAI_PRICES);
        add(models, DEMO_MODEL.value(), DEMO, "0", "0", "offline demo");
        var routes = new EnumMap<AgentRole, List<ModelId>>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            routes.put(role, List.of(ModelId.of("gpt-4o"), ModelId.of("claude-sonnet-4-5")));
        }
        routes.put(AgentRole.VERIFICATION, List.of(ModelId.of("grok-4-1-fast-non-reasoning"), ModelId.of("gpt-4o")));
        return new Catalog(models, routes);
    }

    private static void add(Map<ModelId, Model> models, String name, ProviderId provider, String input, String output,
                            String source) {
        models.put(ModelId.of(name), new Model(ModelRoute.of(name, provider),
                new PriceEntry(Price.perMillion(input, output), source, READ_ON)));
    }

    /** The same models, every agent role routed to the one model. */
    Catalog withEveryRoleTo(ModelId model) {
        if (!models.containsKey(model)) {
            throw new IllegalArgumentException("model " + model + " is not in the catalog");
        }
        var changed = new EnumMap<AgentRole, List<ModelId>>(AgentRole.class);
        for (AgentRole role : AgentRole.values()) {
            changed.put(role, List.of(model));
        }
        return new Catalog(models, changed);
    }

    /** The agent roles whose chain asks the model, in role order. */
    List<AgentRole> rolesUsing(ModelId model) {
        return routes.entrySet().stream().filter(route -> route.getValue().contains(model)).map(Map.Entry::getKey)
                .toList();
    }

    /**
     * Adds or replaces models: {@code name=provider:input:output[,…]}, prices in USD per million
     * tokens, e.g. {@code llama3.1=openai:0:0,gpt-4.1-mini=openai:0.40:1.60}.
     */
    Catalog withModels(String spec, LocalDate today, Set<ProviderId> endpoints) {
        var changed = new LinkedHashMap<>(models);
        for (String entry : spec.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] nameAndRest = entry.strip().split("=", 2);
            String[] parts = nameAndRest.length == 2 ? nameAndRest[1].split(":") : new String[0];
            if (parts.length != 3) {
                throw new ConfigException("VCTT_MODELS entries are name=provider:inputPrice:outputPrice, got '" + entry.strip() + "'");
            }
            ProviderId provider = provider(parts[0].strip(), "VCTT_MODELS", endpoints);
            try {
                Price price = Price.perMillion(parts[1].strip(), parts[2].strip());
                ModelRoute route = new ModelRoute(ModelId.of(nameAndRest[0]), provider);
                changed.put(route.model(), new Model(route, new PriceEntry(price, "VCTT_MODELS", today)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("VCTT_MODELS has a bad price or name in '" + entry.strip() + "'");
            }
        }
        return new Catalog(changed, routes);
    }

    /**
     * Replaces routes: {@code role=model>model[;…]}, {@code *} for every role, e.g.
     * {@code *=gpt-4o>claude-sonnet-4-5;verification=grok-4-1-fast-non-reasoning>gpt-4o}.
     */
    Catalog withRoutes(String spec) {
        var changed = new EnumMap<>(routes);
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] roleAndChain = entry.strip().split("=", 2);
            if (roleAndChain.length != 2 || roleAndChain[1].isBlank()) {
                throw new ConfigException("VCTT_ROUTES entries are role=model>model, got '" + entry.strip() + "'");
            }
            var chain = new ArrayList<ModelId>();
            for (String model : roleAndChain[1].split(">")) {
                ModelId id = ModelId.of(model);
                if (!models.containsKey(id)) {
                    throw new ConfigException("VCTT_ROUTES names model '" + id + "', which is not in the catalog "
                            + "(known: " + String.join(", ", models.keySet().stream().map(ModelId::value).toList())
                            + "; add it with VCTT_MODELS)");
                }
                chain.add(id);
            }
            String role = roleAndChain[0].strip();
            if (role.equals("*")) {
                for (AgentRole each : AgentRole.values()) {
                    changed.put(each, chain);
                }
            } else {
                changed.put(AgentRole.fromWireName(role).orElseThrow(() -> new ConfigException(
                        "VCTT_ROUTES names an unknown agent role '" + role + "'")), chain);
            }
        }
        Catalog catalog = new Catalog(models, changed);
        catalog.routeTable();
        return catalog;
    }

    private static ProviderId provider(String name, String variable, Set<ProviderId> endpoints) {
        return endpoints.stream().filter(p -> p.value().equals(name)).findFirst().orElseThrow(() -> new ConfigException(
                variable + " names an unknown endpoint '" + name + "' (known: "
                        + String.join(", ", endpoints.stream().map(ProviderId::value).sorted().toList()) + ")"));
    }

    /** The same routes, this model added or replaced. */
    Catalog withModel(Model model) {
        var changed = new LinkedHashMap<>(models);
        changed.put(model.route().model(), model);
        return new Catalog(changed, routes);
    }

    /** The same models, this role's chain replaced. */
    Catalog withRoute(AgentRole role, List<ModelId> chain) {
        var changed = new EnumMap<>(routes);
        changed.put(role, chain);
        return new Catalog(models, changed);
    }

    /** Each model's price replaced by what {@code lookup} knows of it (the model as it is when it knows nothing). */
    Catalog withModelsMapped(java.util.function.UnaryOperator<Model> lookup) {
        var changed = new LinkedHashMap<ModelId, Model>();
        models.forEach((id, model) -> changed.put(id, lookup.apply(model)));
        return new Catalog(changed, routes);
    }

    /** The models one endpoint serves: the catalog's name and the endpoint's own id for it. */
    java.util.Map<ModelId, ModelId> upstreamIds(ProviderId endpoint) {
        var ids = new LinkedHashMap<ModelId, ModelId>();
        models.forEach((id, model) -> {
            if (model.route().provider().equals(endpoint)) {
                ids.put(id, model.upstreamId());
            }
        });
        return ids;
    }

    PriceTable prices() {
        var entries = new LinkedHashMap<ModelId, PriceEntry>();
        models.forEach((id, model) -> entries.put(id, model.price()));
        return new PriceTable(entries);
    }

    RouteTable routeTable() {
        var chains = new EnumMap<AgentRole, FallbackChain>(AgentRole.class);
        try {
            routes.forEach((role, ids) -> chains.put(role,
                    new FallbackChain(ids.stream().map(id -> models.get(id).route()).toList())));
            return new RouteTable(chains);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("VCTT_ROUTES: " + e.getMessage());
        }
    }
}
