package dev.vctt.stream.bootstrap;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceEntry;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The {@code VCTT_CONFIG} file (YAML, documented in docs/configuration.md): named endpoints, models,
 * routes per agent role and budget defaults, laid over the built-in defaults. Every mistake is
 * collected and reported together, one line each, naming its path in the file
 * ({@code models.gpt-4o.price.input: must be a non-negative number}); a file with any mistake is
 * refused whole.
 */
final class ConfigFile {

    static final String VARIABLE = "VCTT_CONFIG";

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the HTTP client sets itself and refuses to take from us. */
    private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host", "upgrade");
    private static final Set<String> TOP = Set.of("endpoints", "models", "routes", "budgets", "bands");
    private static final Set<String> ENDPOINT = Set.of("family", "baseUrl", "apiKeyEnv", "timeouts", "headers");
    private static final Set<String> TIMEOUTS = Set.of("connectMs", "firstTokenMs", "idleMs");
    private static final Set<String> MODEL = Set.of("endpoint", "id", "price", "contextWindow");
    private static final Set<String> PRICE = Set.of("input", "output");
    private static final Set<String> BUDGETS = Set.of("dailyUsd", "keyDailyUsd", "defaultMaxTokens");
    private static final Set<String> BANDS = Set.of("maxMembers", "maxMemberTimeoutMs");

    /** Budget defaults the file gives; the environment's variables win over them. */
    record Budgets(Optional<Usd> daily, Optional<Usd> keyDaily, OptionalInt defaultMaxTokens) {
        static final Budgets NONE = new Budgets(Optional.empty(), Optional.empty(), OptionalInt.empty());
    }

    /** Band Jam limits the file gives; the environment's variables win over them. */
    record Bands(OptionalInt maxMembers, OptionalInt maxMemberTimeoutMs) {
        static final Bands NONE = new Bands(OptionalInt.empty(), OptionalInt.empty());
    }

    /** The file's settings laid over the defaults. */
    record Loaded(Map<ProviderId, Endpoint> endpoints, Catalog catalog, Budgets budgets, Bands bands) {
    }

    /** What the file is laid over, and what may still change endpoints and prices after it. */
    record Base(Map<ProviderId, Endpoint> endpoints, ProviderTimeouts timeouts, PriceList prices,
                UnaryOperator<Map<ProviderId, Endpoint>> environmentOverrides,
                java.util.function.Function<Map<ProviderId, Endpoint>, Catalog> catalogFor, LocalDate today) {
    }

    private final String file;
    private final Map<String, String> environment;
    private final List<String> errors = new ArrayList<>();

    private ConfigFile(String file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    static Loaded load(Path path, Map<String, String> environment, Base base) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new ConfigException(VARIABLE + " " + path + ": cannot be read: " + e.getMessage());
        }
        return parse(text, path.toString(), environment, base);
    }

    static Loaded parse(String text, String name, Map<String, String> environment, Base base) {
        return new ConfigFile(name, environment).read(text, base);
    }

    private Loaded read(String text, Base base) {
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : "line " + e.getLocation().getLineNr() + ": ";
            throw new ConfigException(VARIABLE + " " + file + ": " + line + oneLine(e.getOriginalMessage()));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            root = JsonNodeFactory.instance.objectNode();
        }
        if (!expectObject(root, "(top level)", TOP)) {
            throw refused();
        }
        var endpoints = new LinkedHashMap<>(base.endpoints());
        JsonNode endpointsNode = root.path("endpoints");
        if (!endpointsNode.isMissingNode() && expectObject(endpointsNode, "endpoints", null)) {
            endpointsNode.properties().forEach(e -> endpoint(e.getKey(), e.getValue(), base.timeouts())
                    .ifPresent(endpoint -> endpoints.put(endpoint.name(), endpoint)));
        }
        Map<ProviderId, Endpoint> finalEndpoints = errors.isEmpty() ? base.environmentOverrides().apply(endpoints) : endpoints;
        Catalog catalog = base.catalogFor().apply(finalEndpoints);
        JsonNode modelsNode = root.path("models");
        if (!modelsNode.isMissingNode() && expectObject(modelsNode, "models", null)) {
            for (Map.Entry<String, JsonNode> entry : modelsNode.properties()) {
                Optional<Catalog.Model> model = model(entry.getKey(), entry.getValue(), finalEndpoints, base);
                if (model.isPresent()) {
                    catalog = catalog.withModel(model.get());
                }
            }
        }
        JsonNode routesNode = root.path("routes");
        if (!routesNode.isMissingNode() && expectObject(routesNode, "routes", null)) {
            for (Map.Entry<String, JsonNode> entry : routesNode.properties()) {
                catalog = route(entry.getKey(), entry.getValue(), catalog);
            }
        }
        Budgets budgets = budgets(root.path("budgets"));
        Bands bands = bands(root.path("bands"));
        if (!errors.isEmpty()) {
            throw refused();
        }
        return new Loaded(Map.copyOf(finalEndpoints), catalog, budgets, bands);
    }

    private Optional<Endpoint> endpoint(String name, JsonNode node, ProviderTimeouts defaults) {
        String path = "endpoints." + name;
        ProviderId id;
        try {
            id = ProviderId.of(name);
        } catch (IllegalArgumentException e) {
            error(path, "an endpoint name is lower case letters, digits and '-', starting with a letter (at most 32)");
            return Optional.empty();
        }
        if (id.equals(Catalog.DEMO)) {
            error(path, "the name 'demo' is the built-in offline demo's");
            return Optional.empty();
        }
        if (!expectObject(node, path, ENDPOINT)) {
            return Optional.empty();
        }
        Optional<String> familyName = text(node, path, "family", true);
        Optional<ProviderFamilies.Family> family = familyName.flatMap(f -> {
            Optional<ProviderFamilies.Family> known = ProviderFamilies.named(f);
            if (known.isEmpty()) {
                error(path + ".family", "unknown family '" + f + "' (known: " + ProviderFamilies.names() + ")");
            }
            return known;
        });
        Optional<URI> url = text(node, path, "baseUrl", false).flatMap(value -> url(path + ".baseUrl", value));
        if (url.isEmpty() && !node.has("baseUrl") && family.isPresent()) {
            url = family.get().publicUrl();
            if (url.isEmpty()) {
                error(path + ".baseUrl", "required for family '" + family.get().name() + "', which has no public URL");
            }
        }
        Optional<String> keyVariable = text(node, path, "apiKeyEnv", false);
        Optional<String> key = Optional.empty();
        if (keyVariable.isPresent()) {
            if (!VARIABLE_NAME.matcher(keyVariable.get()).matches()) {
                error(path + ".apiKeyEnv", "must be the NAME of an environment variable (letters, digits, '_'), "
                        + "never the key itself");
                keyVariable = Optional.empty();
            } else {
                key = Optional.ofNullable(environment.get(keyVariable.get())).filter(v -> !v.isBlank());
                if (key.isEmpty()) {
                    error(path + ".apiKeyEnv", "environment variable " + keyVariable.get() + " is not set");
                }
            }
        }
        ProviderTimeouts timeouts = timeouts(node.path("timeouts"), path + ".timeouts", defaults);
        Map<String, String> headers = headers(node.path("headers"), path + ".headers");
        if (family.isEmpty() || url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(id, family.get().name(), url.get(), keyVariable, key, timeouts, headers));
    }

    private ProviderTimeouts timeouts(JsonNode node, String path, ProviderTimeouts defaults) {
        if (node.isMissingNode() || !expectObject(node, path, TIMEOUTS)) {
            return defaults;
        }
        Duration connect = millis(node, path, "connectMs").orElse(defaults.connect());
        Duration first = millis(node, path, "firstTokenMs").orElse(defaults.firstToken());
        Duration idle = millis(node, path, "idleMs").orElse(defaults.idle());
        return new ProviderTimeouts(connect, first, idle);
    }

    private Optional<Duration> millis(JsonNode parent, String path, String key) {
        OptionalInt ms = whole(parent, path, key, 1, 24 * 60 * 60 * 1000);
        return ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsInt())) : Optional.empty();
    }

    private Map<String, String> headers(JsonNode node, String path) {
        var headers = new LinkedHashMap<String, String>();
        if (node.isMissingNode() || !expectObject(node, path, null)) {
            return headers;
        }
        node.properties().forEach(entry -> {
            String at = path + "." + entry.getKey();
            if (!HEADER_NAME.matcher(entry.getKey()).matches()) {
                error(at, "not a valid HTTP header name");
            } else if (RESTRICTED_HEADERS.contains(entry.getKey().toLowerCase(Locale.ROOT))) {
                error(at, "is set by the HTTP client and cannot be configured");
            } else if (!entry.getValue().isTextual()) {
                error(at, "must be a string");
            } else if (entry.getValue().asText().chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
                error(at, "must not contain control characters");
            } else {
                headers.put(entry.getKey(), entry.getValue().asText());
            }
        });
        return headers;
    }

    private Optional<Catalog.Model> model(String name, JsonNode node, Map<ProviderId, Endpoint> endpoints, Base base) {
        String path = "models." + name;
        if (name.isBlank() || !name.strip().equals(name)) {
            error(path, "a model name must not be blank or start or end with spaces");
            return Optional.empty();
        }
        if (!expectObject(node, path, MODEL)) {
            return Optional.empty();
        }
        Optional<Endpoint> endpoint = text(node, path, "endpoint", true).flatMap(value -> {
            Optional<Endpoint> found = endpoints.values().stream().filter(e -> e.name().value().equals(value)).findFirst();
            if (found.isEmpty()) {
                error(path + ".endpoint", "unknown endpoint '" + value + "' (known: " + String.join(", ",
                        endpoints.keySet().stream().map(ProviderId::value).sorted().toList()) + ")");
            }
            return found;
        });
        ModelId upstream = text(node, path, "id", false).map(ModelId::of).orElse(ModelId.of(name));
        Optional<Price> price = price(node.path("price"), path + ".price");
        OptionalInt context = whole(node, path, "contextWindow", 1, Integer.MAX_VALUE);
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        Optional<PriceList.Item> listed = base.prices().find(ModelId.of(name), upstream, endpoint.get().family());
        PriceEntry entry;
        if (price.isPresent()) {
            entry = new PriceEntry(price.get(), file, base.today());
        } else if (listed.isPresent()) {
            entry = base.prices().entry(listed.get());
        } else {
            if (!node.has("price")) {
                error(path + ".price", "required: VCTT_PRICES_FILE does not price '" + upstream + "'");
            }
            return Optional.empty();
        }
        OptionalInt window = context.isPresent() ? context
                : listed.map(PriceList.Item::contextWindow).orElse(OptionalInt.empty());
        return Optional.of(new Catalog.Model(new ModelRoute(ModelId.of(name), endpoint.get().name()), upstream, entry, window));
    }

    private Optional<Price> price(JsonNode node, String path) {
        if (node.isMissingNode() || !expectObject(node, path, PRICE)) {
            return Optional.empty();
        }
        Optional<BigDecimal> input = dollars(node, path, "input");
        Optional<BigDecimal> output = dollars(node, path, "output");
        return input.isPresent() && output.isPresent()
                ? Optional.of(new Price(Usd.of(input.get()), Usd.of(output.get()))) : Optional.empty();
    }

    private Catalog route(String role, JsonNode node, Catalog catalog) {
        String path = "routes." + role;
        List<AgentRole> roles;
        if (role.equals("*")) {
            roles = List.of(AgentRole.values());
        } else if (AgentRole.fromWireName(role).isPresent()) {
            roles = List.of(AgentRole.fromWireName(role).get());
        } else {
            error(path, "unknown agent role (known: *, " + String.join(", ",
                    java.util.Arrays.stream(AgentRole.values()).map(AgentRole::wireName).toList()) + ")");
            return catalog;
        }
        if (!node.isArray()) {
            error(path, "must be a list of model names, e.g. [gpt-4o, claude-sonnet-4-5]");
            return catalog;
        }
        if (node.isEmpty()) {
            error(path, "an empty chain: give at least one model");
            return catalog;
        }
        var chain = new ArrayList<ModelId>();
        var seen = new HashSet<String>();
        boolean ok = true;
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String at = path + "[" + i + "]";
            if (!item.isTextual() || item.asText().isBlank()) {
                error(at, "must be a model name");
                ok = false;
            } else if (!catalog.models().containsKey(ModelId.of(item.asText()))) {
                error(at, "unknown model '" + item.asText() + "' (define it under models)");
                ok = false;
            } else if (!seen.add(item.asText().strip())) {
                error(at, "model '" + item.asText() + "' appears twice in the chain");
                ok = false;
            } else {
                chain.add(ModelId.of(item.asText()));
            }
        }
        if (!ok) {
            return catalog;
        }
        for (AgentRole each : roles) {
            catalog = catalog.withRoute(each, chain);
        }
        return catalog;
    }

    private Budgets budgets(JsonNode node) {
        if (node.isMissingNode() || !expectObject(node, "budgets", BUDGETS)) {
            return Budgets.NONE;
        }
        return new Budgets(dollars(node, "budgets", "dailyUsd").map(Usd::of),
                dollars(node, "budgets", "keyDailyUsd").map(Usd::of),
                whole(node, "budgets", "defaultMaxTokens", 1, 1_000_000));
    }

    private Bands bands(JsonNode node) {
        if (node.isMissingNode() || !expectObject(node, "bands", BANDS)) {
            return Bands.NONE;
        }
        return new Bands(whole(node, "bands", "maxMembers", 1, AppConfig.MAX_BAND_MEMBERS),
                whole(node, "bands", "maxMemberTimeoutMs", 1, AppConfig.MAX_BAND_MEMBER_TIMEOUT_MS));
    }

    private Optional<BigDecimal> dollars(JsonNode parent, String path, String key) {
        JsonNode node = parent.get(key);
        if (node == null) {
            error(path + "." + key, "required");
            return Optional.empty();
        }
        if (!node.isNumber() || node.decimalValue().signum() < 0) {
            error(path + "." + key, "must be a non-negative number (US dollars), got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(node.decimalValue());
    }

    private OptionalInt whole(JsonNode parent, String path, String key, int min, int max) {
        JsonNode node = parent.get(key);
        if (node == null) {
            return OptionalInt.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min || node.intValue() > max) {
            error(path + "." + key, "must be a whole number from " + min + " to " + max + ", got " + describe(node));
            return OptionalInt.empty();
        }
        return OptionalInt.of(node.intValue());
    }

    private Optional<String> text(JsonNode parent, String path, String key, boolean required) {
        JsonNode node = parent.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                error(path + "." + key, "required");
            }
            return Optional.empty();
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            error(path + "." + key, "must be a non-empty string, got " + describe(node));
            return Optional.empty();
        }
        return Optional.of(node.asText().strip());
    }

    private Optional<URI> url(String path, String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        error(path, "must be an http:// or https:// URL, got '" + value + "'");
        return Optional.empty();
    }

    /** Checks the node is a mapping and, when {@code known} is given, names no other key. */
    private boolean expectObject(JsonNode node, String path, Set<String> known) {
        if (!node.isObject()) {
            error(path, "must be a mapping of keys to values, got " + describe(node));
            return false;
        }
        if (known != null) {
            node.properties().forEach(entry -> {
                if (!known.contains(entry.getKey())) {
                    error(path.equals("(top level)") ? entry.getKey() : path + "." + entry.getKey(),
                            "unknown key (known: " + String.join(", ", known.stream().sorted().toList()) + ")");
                }
            });
        }
        return true;
    }

    private static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "the string '" + node.asText() + "'";
        }
        return node.isNull() ? "nothing" : node.toString();
    }

    private void error(String path, String message) {
        errors.add(path + ": " + message);
    }

    private ConfigException refused() {
        return new ConfigException(VARIABLE + " " + file + " is refused:\n  " + String.join("\n  ", errors));
    }

    private static String oneLine(String message) {
        return message == null ? "YAML syntax error" : "YAML syntax error: " + message.lines().findFirst().orElse("").strip();
    }
}
