package dev.vctt.stream.domain.routing;

import java.util.Objects;

/** One step of a chain: which model to ask, through which provider. */
public record ModelRoute(ModelId model, ProviderId provider) {

    public ModelRoute {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(provider, "provider");
    }

    public static ModelRoute of(String model, ProviderId provider) {
        return new ModelRoute(ModelId.of(model), provider);
    }
}
