package dev.vctt.stream.domain.routing;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/** The models a role tries, in order of preference; never empty, never the same model twice. */
public record FallbackChain(List<ModelRoute> models) {

    public FallbackChain {
        models = List.copyOf(models);
        if (models.isEmpty()) {
            throw new IllegalArgumentException("a fallback chain needs at least one model");
        }
        var seen = new HashSet<ModelId>();
        for (ModelRoute route : models) {
            if (!seen.add(route.model())) {
                throw new IllegalArgumentException("model " + route.model() + " appears twice in one chain");
            }
        }
    }

    public static FallbackChain of(ModelRoute... models) {
        return new FallbackChain(List.of(models));
    }

    public ModelRoute first() {
        return models.getFirst();
    }

    /** The model after the given one, if the chain has one. */
    public Optional<ModelRoute> after(ModelRoute current) {
        int at = models.indexOf(current);
        return at >= 0 && at + 1 < models.size() ? Optional.of(models.get(at + 1)) : Optional.empty();
    }
}
