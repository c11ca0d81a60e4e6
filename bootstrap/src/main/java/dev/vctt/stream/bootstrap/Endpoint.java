package dev.vctt.stream.bootstrap;

import dev.vctt.stream.adapters.llm.sse.ProviderTimeouts;
import dev.vctt.stream.domain.routing.ProviderId;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One named provider endpoint: which family of API it speaks, where, with which key and timeouts.
 * Several endpoints may share a family (OpenAI plus two OpenAI-compatible local servers), each with
 * its own models and health.
 *
 * @param apiKeyVariable the name of the environment variable the key was read from (never the key)
 */
public record Endpoint(ProviderId name, String family, URI baseUrl, Optional<String> apiKeyVariable,
                       Optional<String> apiKey, ProviderTimeouts timeouts, Map<String, String> headers) {

    public Endpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKeyVariable, "apiKeyVariable");
        apiKey = apiKey.filter(key -> !key.isBlank());
        Objects.requireNonNull(timeouts, "timeouts");
        headers = Map.copyOf(headers);
    }

    Endpoint withBaseUrl(URI url) {
        return new Endpoint(name, family, url, apiKeyVariable, apiKey, timeouts, headers);
    }

    Endpoint withKey(String variable, Optional<String> key) {
        return new Endpoint(name, family, baseUrl, Optional.of(variable), key, timeouts, headers);
    }

    Endpoint withTimeouts(ProviderTimeouts changed) {
        return new Endpoint(name, family, baseUrl, apiKeyVariable, apiKey, changed, headers);
    }

    /** Keys and header values stay out of logs: header values may be credentials too. */
    @Override
    public String toString() {
        return "Endpoint[" + name + " " + family + " " + baseUrl + " key=" + apiKeyVariable.orElse("none")
                + (apiKey.isPresent() ? " (set)" : " (unset)") + " headers=" + new TreeMap<>(headers).keySet() + "]";
    }
}
