package dev.vctt.stream.domain.cost;

import dev.vctt.stream.domain.routing.ModelId;
import java.util.Map;
import java.util.Optional;

/** The price of every model the server may call. A model with no row cannot be routed to. */
public record PriceTable(Map<ModelId, PriceEntry> entries) {

    public PriceTable {
        entries = Map.copyOf(entries);
    }

    public Optional<PriceEntry> entryFor(ModelId model) {
        return Optional.ofNullable(entries.get(model));
    }

    public Price priceOf(ModelId model) {
        PriceEntry entry = entries.get(model);
        if (entry == null) {
            throw new IllegalArgumentException("no price for model " + model.value());
        }
        return entry.price();
    }
}
