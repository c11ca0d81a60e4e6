package dev.vctt.stream.domain.routing;

import java.util.regex.Pattern;

/**
 * The name of a configured provider endpoint: the built-in {@code openai}, {@code anthropic},
 * {@code xai}, or any named in the configuration file ({@code vllm-a}). Fallback, retry hints and
 * auth failures are per endpoint, so two endpoints of one family are two providers here.
 */
public record ProviderId(String value) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    /** The built-in endpoints' names. */
    public static final ProviderId OPENAI = new ProviderId("openai");
    public static final ProviderId ANTHROPIC = new ProviderId("anthropic");
    public static final ProviderId XAI = new ProviderId("xai");

    public ProviderId {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException("a provider id is lower case letters, digits and '-': " + value);
        }
    }

    public static ProviderId of(String value) {
        return new ProviderId(value);
    }

    @Override
    public String toString() {
        return value;
    }
}
