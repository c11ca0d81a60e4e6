package dev.vctt.stream.bootstrap;

import dev.vctt.stream.domain.cost.Usd;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Typed reads of environment variables; a bad value is a {@link ConfigException} naming the variable. */
final class Env {

    private final Map<String, String> values;

    Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    Optional<String> text(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    String text(String name, String fallback) {
        return text(name).orElse(fallback);
    }

    int integer(String name, int fallback, int min, int max) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got '"
                    + value.get() + "'");
        }
    }

    Duration millis(String name, Duration fallback) {
        int ms = integer(name, (int) fallback.toMillis(), 1, 24 * 60 * 60 * 1000);
        return Duration.ofMillis(ms);
    }

    /** A span such as {@code 24h}, {@code 90m}, {@code 3600s} or ISO-8601 {@code PT24H}; positive. */
    Duration duration(String name, Duration fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        String text = value.get().strip().toLowerCase(Locale.ROOT);
        try {
            Duration parsed;
            if (text.startsWith("pt") || text.startsWith("p")) {
                parsed = Duration.parse(text.toUpperCase(Locale.ROOT));
            } else {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                parsed = switch (text.charAt(text.length() - 1)) {
                    case 'd' -> Duration.ofDays(amount);
                    case 'h' -> Duration.ofHours(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 's' -> Duration.ofSeconds(amount);
                    default -> throw new NumberFormatException();
                };
            }
            if (!parsed.isPositive()) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (RuntimeException e) {
            throw new ConfigException(name + " must be a positive duration such as 24h, 90m or 3600s, got '"
                    + value.get() + "'");
        }
    }

    URI url(String name, String fallback) {
        String value = text(name, fallback);
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name + " must be an http:// or https:// URL, got '" + value + "'");
        }
    }

    Path path(String name, String fallback) {
        String value = text(name, fallback);
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new ConfigException(name + " must be a file system path, got '" + value + "'");
        }
    }

    List<String> list(String name) {
        return text(name).map(value -> Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }

    /** An amount of dollars, e.g. {@code 25} or {@code 2.50}; absent when unset. */
    Optional<Usd> usd(String name) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            var amount = new BigDecimal(value.get());
            if (amount.signum() < 0) {
                throw new NumberFormatException();
            }
            return Optional.of(Usd.of(amount));
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be an amount of US dollars such as 25 or 2.50, got '" + value.get() + "'");
        }
    }

    <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        Optional<String> value = text(name);
        if (value.isEmpty()) {
            return fallback;
        }
        try {
            return Enum.valueOf(type, value.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(type.getEnumConstants()).map(c -> c.name().toLowerCase(Locale.ROOT))
                    .reduce((a, b) -> a + ", " + b).orElse("");
            throw new ConfigException(name + " must be one of " + allowed + ", got '" + value.get() + "'");
        }
    }
}
