package dev.vctt.stream.domain.routing;

import java.util.regex.Pattern;

/** The name of a configured provider: {@code openai}, {@code anthropic}, {@code xai}, or a local one. */
public record ProviderId(String value) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,31}");

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
