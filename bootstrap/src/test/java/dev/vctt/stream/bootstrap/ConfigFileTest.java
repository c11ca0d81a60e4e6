package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceEntry;
import dev.vctt.stream.domain.band.BandLimits;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.AgentRole;
import dev.vctt.stream.domain.routing.ModelId;
import dev.vctt.stream.domain.routing.ModelRoute;
import dev.vctt.stream.domain.routing.ProviderId;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigFileTest {

    @TempDir
    Path dir;

    private AppConfig load(String yaml, String... variables) {
        Path file = dir.resolve("config.yaml");
        try {
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        var env = new HashMap<String, String>();
        env.put("VCTT_CONFIG", file.toString());
        for (int i = 0; i < variables.length; i += 2) {
            env.put(variables[i], variables[i + 1]);
        }
        return AppConfig.fromEnv(env);
    }

    private static Path docs(String name) {
        return Path.of("..", "docs", name);
    }

    /** The fenced example of docs/configuration.md. */
    static String documentedExample() throws IOException {
        String page = Files.readString(docs("configuration.md"));
        Matcher example = Pattern.compile("## A complete example\\s+```yaml\\n(.*?)```", Pattern.DOTALL).matcher(page);
        assertThat(example.find()).as("docs/configuration.md has its complete example").isTrue();
        return example.group(1);
    }

    @Test
    void the_documented_example_loads_with_its_endpoints_models_routes_and_budgets() throws IOException {
        AppConfig config = load(documentedExample(), "OPENAI_API_KEY", "sk-o", "VLLM_B_KEY", "sk-b");

        assertThat(config.endpoints()).containsKeys(ProviderId.of("vllm-a"), ProviderId.of("vllm-b"),
                ProviderId.OPENAI, ProviderId.ANTHROPIC, ProviderId.XAI);
        Endpoint vllmA = config.endpoint("vllm-a");
        assertThat(vllmA.family()).isEqualTo("openai-compatible");
        assertThat(vllmA.baseUrl()).isEqualTo(URI.create("http://10.0.0.5:8000/v1"));
        assertThat(vllmA.apiKey()).isEmpty();
        assertThat(vllmA.timeouts().firstToken()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.endpoint("vllm-b").apiKey()).contains("sk-b");
        assertThat(config.endpoint("openai").headers()).containsEntry("OpenAI-Organization", "org-example");
        assertThat(config.endpoint("openai").toString()).doesNotContain("sk-o").doesNotContain("org-example");

        assertThat(config.catalog().routeTable().chainFor(AgentRole.ANALYST).models()).containsExactly(
                ModelRoute.of("llama-a", ProviderId.of("vllm-a")), ModelRoute.of("llama-b", ProviderId.of("vllm-b")),
                ModelRoute.of("gpt-4.1-mini", ProviderId.OPENAI));
        assertThat(config.catalog().routeTable().chainFor(AgentRole.VERIFICATION).models()).extracting(r -> r.model().value())
                .containsExactly("grok-4-1-fast-non-reasoning", "gpt-4o");
        assertThat(config.catalog().upstreamIds(ProviderId.of("vllm-a")))
                .containsEntry(ModelId.of("llama-a"), ModelId.of("meta-llama/Llama-3.1-8B-Instruct"));
        assertThat(config.catalog().models().get(ModelId.of("llama-a")).contextWindow()).isEqualTo(OptionalInt.of(131072));
        assertThat(config.catalog().prices().priceOf(ModelId.of("gpt-4.1-mini"))).isEqualTo(Price.perMillion("0.40", "1.60"));
        assertThat(config.globalDailyBudget()).contains(Usd.of("100"));
        assertThat(config.keyDailyBudget()).contains(Usd.of("5"));
        assertThat(config.defaultMaxTokens()).isEqualTo(4096);
        assertThat(config.offlineDemo()).isFalse();
    }

    @Test
    void the_documented_example_is_an_instance_of_the_documented_schema_as_far_as_its_keys_go() throws IOException {
        String schema = Files.readString(docs("vctt-config.schema.json"));
        for (String key : new String[] {"endpoints", "models", "routes", "budgets", "family", "baseUrl", "apiKeyEnv",
                "timeouts", "connectMs", "firstTokenMs", "idleMs", "headers", "endpoint", "price", "contextWindow",
                "dailyUsd", "keyDailyUsd", "defaultMaxTokens", "bands", "maxMembers", "maxMemberTimeoutMs"}) {
            assertThat(schema).as("the schema knows " + key).contains("\"" + key + "\"");
        }
    }

    private static java.util.List<com.networknt.schema.Error> validateAgainstSchema(String yaml) throws IOException {
        var schema = com.networknt.schema.SchemaRegistry.withDefaultDialect(com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(docs("vctt-config.schema.json"))));
        return schema.validate(new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml));
    }

    @Test
    void the_documented_example_validates_against_the_json_schema_and_a_broken_one_does_not() throws IOException {
        assertThat(validateAgainstSchema(documentedExample())).isEmpty();
        assertThat(validateAgainstSchema("""
                endpoints:
                  a: {family: openai-compatible, baseurl: "http://h/v1"}
                models:
                  m: {endpoint: a, price: {input: -1, output: 1}}
                routes:
                  analyst: []
                """)).extracting(message -> message.getInstanceLocation().toString())
                .contains("/endpoints/a", "/models/m/price/input", "/routes/analyst");
    }

    @Test
    void the_environment_wins_over_the_file_where_both_speak() {
        AppConfig config = load("""
                endpoints:
                  openai: {family: openai, baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: FILE_KEY}
                budgets: {dailyUsd: 100, keyDailyUsd: 5, defaultMaxTokens: 1000}
                routes:
                  analyst: [gpt-4o]
                """, "FILE_KEY", "from-file", "OPENAI_BASE_URL", "http://127.0.0.1:8/v1", "OPENAI_API_KEY", "from-env",
                "VCTT_DAILY_BUDGET_USD", "7", "VCTT_DEFAULT_MAX_TOKENS", "2000", "VCTT_ROUTES", "analyst=claude-sonnet-4-5");

        assertThat(config.endpoint("openai").baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8/v1"));
        assertThat(config.endpoint("openai").apiKey()).contains("from-env");
        assertThat(config.globalDailyBudget()).contains(Usd.of("7"));
        assertThat(config.keyDailyBudget()).contains(Usd.of("5"));
        assertThat(config.defaultMaxTokens()).isEqualTo(2000);
        assertThat(config.catalog().routeTable().chainFor(AgentRole.ANALYST).models()).extracting(r -> r.model().value())
                .containsExactly("claude-sonnet-4-5");
    }

    @Test
    void band_limits_come_from_the_file_and_the_environment_wins_where_both_speak() {
        String yaml = """
                bands: {maxMembers: 3, maxMemberTimeoutMs: 20000}
                """;

        AppConfig fromFile = load(yaml);
        AppConfig overridden = load(yaml, "VCTT_BAND_MAX_MEMBERS", "7");

        assertThat(fromFile.bandLimits()).isEqualTo(new BandLimits(3, 20_000));
        assertThat(overridden.bandLimits()).isEqualTo(new BandLimits(7, 20_000));
        assertThat(load("").bandLimits()).isEqualTo(BandLimits.DEFAULTS);
    }

    @Test
    void the_file_key_is_used_when_the_environment_gives_none() {
        AppConfig config = load("""
                endpoints:
                  openai: {family: openai, apiKeyEnv: TEAM_OPENAI_KEY}
                """, "TEAM_OPENAI_KEY", "sk-team");

        assertThat(config.endpoint("openai").apiKey()).contains("sk-team");
        assertThat(config.endpoint("openai").baseUrl()).isEqualTo(URI.create("https://api.openai.com/v1"));
        assertThat(config.offlineDemo()).isFalse();
    }

    @Test
    void an_empty_file_is_the_defaults() {
        assertThat(load("").catalog().routeTable()).isEqualTo(AppConfig.fromEnv(Map.of()).catalog().routeTable());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown top-level key    | modles: {}                                               | modles: unknown key (known: bands, budgets, endpoints, models, routes)",
            "unknown band key         | 'bands: {members: 3}'                                    | bands.members: unknown key (known: maxMemberTimeoutMs, maxMembers)",
            "band members out of range| 'bands: {maxMembers: 0}'                                 | bands.maxMembers: must be a whole number from 1 to 100, got 0",
            "band timeout wrong type  | 'bands: {maxMemberTimeoutMs: soon}'                      | bands.maxMemberTimeoutMs: must be a whole number from 1 to 86400000",
            "unknown endpoint key     | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", baseurl: x}}' | endpoints.a.baseurl: unknown key",
            "unknown model key        | 'models: {m: {endpoint: openai, price: {input: 1, output: 1}, cost: 3}}' | models.m.cost: unknown key",
            "unknown price key        | 'models: {m: {endpoint: openai, price: {input: 1, output: 1, cached: 1}}}' | models.m.price.cached: unknown key",
            "endpoints not a mapping  | 'endpoints: [a, b]'                                      | endpoints: must be a mapping of keys to values, got a list",
            "family missing           | 'endpoints: {a: {baseUrl: \"http://h/v1\"}}'             | endpoints.a.family: required",
            "family unknown           | 'endpoints: {a: {family: cohere, baseUrl: \"http://h/v1\"}}' | endpoints.a.family: unknown family 'cohere' (known: openai, openai-compatible, xai, anthropic",
            "family of wrong type     | 'endpoints: {a: {family: 3, baseUrl: \"http://h/v1\"}}'  | endpoints.a.family: must be a non-empty string, got 3",
            "bad endpoint name        | 'endpoints: {Local_A: {family: openai-compatible, baseUrl: \"http://h/v1\"}}' | endpoints.Local_A: an endpoint name is lower case",
            "demo is reserved         | 'endpoints: {demo: {family: openai-compatible, baseUrl: \"http://h/v1\"}}' | endpoints.demo: the name 'demo' is the built-in",
            "bad URL                  | 'endpoints: {a: {family: openai-compatible, baseUrl: \"ftp://h\"}}' | endpoints.a.baseUrl: must be an http:// or https:// URL, got 'ftp://h'",
            "no URL without public    | 'endpoints: {a: {family: openai-compatible}}'            | endpoints.a.baseUrl: required for family 'openai-compatible'",
            "missing key variable     | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", apiKeyEnv: NOT_SET_ANYWHERE}}' | endpoints.a.apiKeyEnv: environment variable NOT_SET_ANYWHERE is not set",
            "a key instead of a name  | 'endpoints: {a: {family: openai, apiKeyEnv: \"sk-proj-abc/def\"}}' | endpoints.a.apiKeyEnv: must be the NAME of an environment variable",
            "timeout of wrong type    | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", timeouts: {idleMs: soon}}}' | endpoints.a.timeouts.idleMs: must be a whole number from 1 to 86400000, got the string 'soon'",
            "timeout zero             | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", timeouts: {connectMs: 0}}}' | endpoints.a.timeouts.connectMs: must be a whole number from 1",
            "restricted header        | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", headers: {Host: x}}}' | endpoints.a.headers.Host: is set by the HTTP client",
            "bad header name          | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", headers: {\"a b\": x}}}' | endpoints.a.headers.a b: not a valid HTTP header name",
            "header not a string      | 'endpoints: {a: {family: openai-compatible, baseUrl: \"http://h/v1\", headers: {X-A: [1]}}}' | endpoints.a.headers.X-A: must be a string",
            "unknown endpoint         | 'models: {m: {endpoint: nowhere, price: {input: 1, output: 1}}}' | models.m.endpoint: unknown endpoint 'nowhere' (known: anthropic, openai, xai)",
            "model without endpoint   | 'models: {m: {price: {input: 1, output: 1}}}'            | models.m.endpoint: required",
            "negative price           | 'models: {gpt-4o: {endpoint: openai, price: {input: -1, output: 10}}}' | models.gpt-4o.price.input: must be a non-negative number",
            "price as text            | 'models: {gpt-4o: {endpoint: openai, price: {input: cheap, output: 10}}}' | models.gpt-4o.price.input: must be a non-negative number (US dollars), got the string 'cheap'",
            "half a price             | 'models: {gpt-4o: {endpoint: openai, price: {input: 1}}}' | models.gpt-4o.price.output: required",
            "no price anywhere        | 'models: {m: {endpoint: openai}}'                        | models.m.price: required: VCTT_PRICES_FILE does not price 'm'",
            "bad context window       | 'models: {m: {endpoint: openai, price: {input: 1, output: 1}, contextWindow: 1.5}}' | models.m.contextWindow: must be a whole number",
            "unknown role             | 'routes: {critic: [gpt-4o]}'                             | routes.critic: unknown agent role (known: *, primary",
            "unknown model in a route | 'routes: {analyst: [gpt-4o, gpt-9]}'                     | routes.analyst[1]: unknown model 'gpt-9' (define it under models)",
            "empty chain              | 'routes: {analyst: []}'                                  | routes.analyst: an empty chain: give at least one model",
            "chain not a list         | 'routes: {analyst: gpt-4o}'                              | routes.analyst: must be a list of model names",
            "model twice in a chain   | 'routes: {\"*\": [gpt-4o, gpt-4o]}'                      | routes.*[1]: model 'gpt-4o' appears twice in the chain",
            "negative budget          | 'budgets: {dailyUsd: -5}'                                | budgets.dailyUsd: must be a non-negative number",
            "unknown budget key       | 'budgets: {monthlyUsd: 5}'                               | budgets.monthlyUsd: unknown key (known: dailyUsd, defaultMaxTokens, keyDailyUsd)",
            "top level not a mapping  | '- a'                                                    | (top level): must be a mapping of keys to values, got a list",
    })
    void every_kind_of_mistake_is_refused_with_one_line_naming_its_path(String mistake, String yaml, String line) {
        assertThatThrownBy(() -> load(yaml))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("VCTT_CONFIG ")
                .satisfies(e -> assertThat(e.getMessage().lines().skip(1).map(String::strip))
                        .anySatisfy(reported -> assertThat(reported).startsWith(line)));
    }

    @Test
    void every_mistake_of_a_file_is_reported_at_once_one_line_each() {
        assertThatThrownBy(() -> load("""
                endpoints:
                  a: {family: cohere, baseUrl: "http://h/v1"}
                models:
                  gpt-4o: {endpoint: openai, price: {input: -1, output: 10}}
                routes:
                  analyst: []
                """))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(e.getMessage().lines().skip(1).map(String::strip).toList()).containsExactly(
                        "endpoints.a.family: unknown family 'cohere' (known: " + ProviderFamilies.names() + ")",
                        "models.gpt-4o.price.input: must be a non-negative number (US dollars), got -1",
                        "routes.analyst: an empty chain: give at least one model"));
    }

    @Test
    void a_yaml_syntax_error_names_its_line() {
        assertThatThrownBy(() -> load("""
                endpoints:
                  a:
                    family: openai-compatible
                     baseUrl: "http://h/v1"
                """))
                .isInstanceOf(ConfigException.class).hasMessageContaining("config.yaml: line 4: YAML syntax error")
                .hasMessageNotContaining("\n");
    }

    @Test
    void a_name_given_twice_is_refused_with_its_line() {
        assertThatThrownBy(() -> load("""
                models:
                  m: {endpoint: openai, price: {input: 1, output: 1}}
                  m: {endpoint: anthropic, price: {input: 2, output: 2}}
                """))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 3").hasMessageContaining("'m'");
    }

    @Test
    void a_file_that_cannot_be_read_names_the_variable() {
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("VCTT_CONFIG", dir.resolve("missing.yaml").toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("VCTT_CONFIG ").hasMessageContaining("cannot be read");
    }

    @Test
    void the_same_family_may_serve_several_endpoints_each_with_its_own_models() {
        AppConfig config = load("""
                endpoints:
                  local-a: {family: openai-compatible, baseUrl: "http://127.0.0.1:8001/v1"}
                  local-b: {family: openai-compatible, baseUrl: "http://127.0.0.1:8002/v1"}
                models:
                  llama-a: {endpoint: local-a, id: llama3.1, price: {input: 0, output: 0}}
                  llama-b: {endpoint: local-b, id: llama3.1, price: {input: 0, output: 0}}
                routes:
                  "*": [llama-a, llama-b, gpt-4o]
                """);

        assertThat(config.catalog().upstreamIds(ProviderId.of("local-a"))).containsExactly(
                Map.entry(ModelId.of("llama-a"), ModelId.of("llama3.1")));
        assertThat(config.catalog().upstreamIds(ProviderId.of("local-b"))).containsExactly(
                Map.entry(ModelId.of("llama-b"), ModelId.of("llama3.1")));
        assertThat(config.catalog().routeTable().chainFor(AgentRole.ETHICS).models()).extracting(r -> r.provider().value())
                .containsExactly("local-a", "local-b", "openai");
        PriceEntry price = config.catalog().prices().entryFor(ModelId.of("llama-a")).orElseThrow();
        assertThat(price.source()).endsWith("config.yaml");
    }

    @Test
    void a_litellm_price_list_prices_the_models_it_knows_exactly_and_says_where_it_came_from() throws URISyntaxException {
        Path list = Path.of(ConfigFileTest.class.getResource("/prices/litellm-sample.json").toURI());
        AppConfig config = AppConfig.fromEnv(Map.of("VCTT_PRICES_FILE", list.toString(), "OPENAI_API_KEY", "sk"));

        var prices = config.catalog().prices();
        assertThat(prices.priceOf(ModelId.of("gpt-4o")).inputPerMillion().amount()).isEqualByComparingTo("2.50");
        assertThat(prices.priceOf(ModelId.of("gpt-4o")).outputPerMillion().amount()).isEqualByComparingTo("10");
        assertThat(prices.priceOf(ModelId.of("claude-sonnet-4-5"))).isEqualTo(Price.perMillion("3.3", "16.5"));
        assertThat(prices.priceOf(ModelId.of("grok-4-1-fast-non-reasoning"))).as("found as xai/<id>")
                .isEqualTo(Price.perMillion("0.2", "0.5"));
        assertThat(prices.entryFor(ModelId.of("gpt-4o")).orElseThrow().source()).isEqualTo("VCTT_PRICES_FILE litellm-sample.json");
        assertThat(prices.entryFor(ModelId.of("gpt-4o-mini")).orElseThrow().source()).as("not in the list: built in")
                .contains("openai.com");
        assertThat(config.catalog().models().get(ModelId.of("gpt-4o")).contextWindow()).isEqualTo(OptionalInt.of(128000));
    }

    @Test
    void a_model_of_the_file_without_a_price_takes_the_price_list_and_a_price_in_the_file_wins_over_it()
            throws URISyntaxException {
        Path list = Path.of(ConfigFileTest.class.getResource("/prices/litellm-sample.json").toURI());
        AppConfig config = load("""
                models:
                  gpt-4.1-mini: {endpoint: openai}
                  gpt-4o: {endpoint: openai, price: {input: 1, output: 2}}
                """, "VCTT_PRICES_FILE", list.toString());

        assertThat(config.catalog().prices().priceOf(ModelId.of("gpt-4.1-mini"))).isEqualTo(Price.perMillion("0.4", "1.6"));
        assertThat(config.catalog().models().get(ModelId.of("gpt-4.1-mini")).contextWindow()).isEqualTo(OptionalInt.of(1047576));
        assertThat(config.catalog().prices().priceOf(ModelId.of("gpt-4o"))).isEqualTo(Price.perMillion("1", "2"));
    }

    @Test
    void a_price_list_that_is_not_json_is_refused_with_its_line() throws IOException {
        Path list = dir.resolve("prices.json");
        Files.writeString(list, "{\n  \"gpt-4o\": {\"input_cost_per_token\": 2.5e-06,,}\n}");
        assertThatThrownBy(() -> AppConfig.fromEnv(Map.of("VCTT_PRICES_FILE", list.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("VCTT_PRICES_FILE ").hasMessageContaining("line 2");
    }

    @Test
    void the_built_in_table_says_where_and_when_each_price_was_read() {
        for (var entry : Catalog.defaults().prices().entries().entrySet()) {
            assertThat(entry.getValue().source()).as(entry.getKey().value()).isNotBlank();
            assertThat(entry.getValue().asOf()).as(entry.getKey().value()).isNotNull();
        }
        assertThat(Catalog.defaults().prices().entryFor(ModelId.of("grok-4-1-fast-reasoning")).orElseThrow().source())
                .isEqualTo("https://docs.x.ai/developers/models");
    }
}
