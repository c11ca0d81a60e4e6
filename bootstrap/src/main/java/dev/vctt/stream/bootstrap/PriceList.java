package dev.vctt.stream.bootstrap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.vctt.stream.domain.cost.Price;
import dev.vctt.stream.domain.cost.PriceEntry;
import dev.vctt.stream.domain.cost.Usd;
import dev.vctt.stream.domain.routing.ModelId;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Prices read from a file in LiteLLM's {@code model_prices_and_context_window.json} format
 * (https://github.com/BerriAI/litellm, the community-maintained list): one object per model name,
 * with {@code input_cost_per_token} / {@code output_cost_per_token} in USD per token,
 * {@code max_input_tokens} (else {@code max_tokens}) and {@code litellm_provider}. Numbers are read
 * as exact decimals ({@code 2.5e-06} is exactly 2.50 per million). Entries without both token
 * prices (images, audio, the {@code sample_spec} example) are ignored.
 */
record PriceList(Map<String, Item> items, String source, LocalDate readOn) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true)).build();

    /** One model's price per million tokens and its context window, as the file gives them. */
    record Item(Price price, OptionalInt contextWindow) {
    }

    static final PriceList NONE = new PriceList(Map.of(), "none", LocalDate.EPOCH);

    PriceList {
        items = Map.copyOf(items);
    }

    /** Reads the file; a file that is not such a list stops start-up (or a reload) naming the variable. */
    static PriceList read(Path file) {
        JsonNode root;
        LocalDate modified;
        try {
            root = JSON.readTree(Files.readAllBytes(file));
            modified = LocalDate.ofInstant(Files.getLastModifiedTime(file).toInstant(), ZoneOffset.UTC);
        } catch (JsonProcessingException e) {
            throw new ConfigException("VCTT_PRICES_FILE " + file + ": line " + e.getLocation().getLineNr()
                    + ": not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("VCTT_PRICES_FILE " + file + ": cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("VCTT_PRICES_FILE " + file + ": must be a JSON object of models, "
                    + "as LiteLLM's model_prices_and_context_window.json");
        }
        var items = new HashMap<String, Item>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            JsonNode model = entry.getValue();
            Optional<BigDecimal> input = nonNegative(model.get("input_cost_per_token"));
            Optional<BigDecimal> output = nonNegative(model.get("output_cost_per_token"));
            if (entry.getKey().equals("sample_spec") || input.isEmpty() || output.isEmpty()) {
                continue;
            }
            Price price = new Price(Usd.of(input.get().multiply(MILLION).stripTrailingZeros()),
                    Usd.of(output.get().multiply(MILLION).stripTrailingZeros()));
            JsonNode window = model.has("max_input_tokens") ? model.get("max_input_tokens") : model.get("max_tokens");
            OptionalInt context = window != null && window.canConvertToInt() && window.isIntegralNumber()
                    && window.intValue() > 0 ? OptionalInt.of(window.intValue()) : OptionalInt.empty();
            items.put(entry.getKey(), new Item(price, context));
        }
        return new PriceList(items, "VCTT_PRICES_FILE " + file.getFileName(), modified);
    }

    /**
     * What the list knows of a model: looked up by the catalog's name, the endpoint's id for it, or
     * the id prefixed with the family the way LiteLLM names them ({@code xai/grok-4-1-fast-reasoning}).
     */
    Optional<Item> find(ModelId name, ModelId upstreamId, String family) {
        for (String key : List.of(name.value(), upstreamId.value(), family + "/" + upstreamId.value())) {
            Item item = items.get(key);
            if (item != null) {
                return Optional.of(item);
            }
        }
        return Optional.empty();
    }

    PriceEntry entry(Item item) {
        return new PriceEntry(item.price(), source, readOn);
    }

    private static Optional<BigDecimal> nonNegative(JsonNode node) {
        return node != null && node.isNumber() && node.decimalValue().signum() >= 0
                ? Optional.of(node.decimalValue()) : Optional.empty();
    }
}
