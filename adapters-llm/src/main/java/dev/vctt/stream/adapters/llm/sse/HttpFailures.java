package dev.vctt.stream.adapters.llm.sse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.application.port.out.ProviderFailure;
import dev.vctt.stream.domain.routing.FailureKind;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** What an HTTP error answer means: its failure kind, its retry hint, and a one-line detail. */
public final class HttpFailures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 300;
    private static final int MAX_CAUSES = 8;

    private HttpFailures() {
    }

    /** 408, 409, 429, 5xx and 529 are worth another try; 400, 401, 403, 404 and other 4xx are not. */
    public static FailureKind kindOf(int status) {
        return switch (status) {
            case 400 -> FailureKind.BAD_REQUEST;
            case 401 -> FailureKind.UNAUTHORIZED;
            case 403 -> FailureKind.FORBIDDEN;
            case 404 -> FailureKind.NOT_FOUND;
            case 408 -> FailureKind.REQUEST_TIMEOUT;
            case 409 -> FailureKind.CONFLICT;
            case 429 -> FailureKind.RATE_LIMITED;
            case 503, 529 -> FailureKind.OVERLOADED;
            default -> status >= 500 ? FailureKind.SERVER_ERROR : FailureKind.BAD_REQUEST;
        };
    }

    public static ProviderFailure of(int status, HttpHeaders headers, String body, Instant now) {
        return ProviderFailure.ofStatus(kindOf(status), status, retryAfter(headers, now), detail(body));
    }

    /**
     * The wait the provider asked for: {@code retry-after-ms}, else {@code retry-after} in seconds
     * (fractions allowed) or as an HTTP date. Unparsable or negative hints count as none.
     */
    public static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> millis = headers.firstValue("retry-after-ms");
        if (millis.isPresent()) {
            Optional<Duration> parsed = seconds(millis.get(), 1);
            if (parsed.isPresent()) {
                return parsed;
            }
        }
        return headers.firstValue("retry-after").flatMap(value -> seconds(value, 1000).or(() -> date(value, now)));
    }

    private static Optional<Duration> seconds(String value, long millisPerUnit) {
        try {
            double amount = Double.parseDouble(value.strip());
            if (!(amount >= 0) || Double.isInfinite(amount)) {
                return Optional.empty();
            }
            return Optional.of(Duration.ofMillis(Math.round(amount * millisPerUnit)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> date(String value, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The message inside a provider error body: {@code error.message} (OpenAI, Anthropic),
     * {@code error} as a string (xAI), or {@code message}; else the start of the body.
     */
    public static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isObject()) {
                JsonNode error = root.path("error");
                if (error.isTextual()) {
                    return shorten(error.asText());
                }
                if (error.path("message").isTextual()) {
                    return shorten(error.path("message").asText());
                }
                if (root.path("message").isTextual()) {
                    return shorten(root.path("message").asText());
                }
            }
        } catch (java.io.IOException e) {
            // not JSON: the body itself is the best detail there is
        }
        return shorten(body.strip());
    }

    /** Where a request goes, as {@code host:port} with the scheme's default port made explicit. */
    public static String target(URI uri) {
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    private static final java.util.regex.Pattern ADDRESS = java.util.regex.Pattern.compile(
            "\\[[0-9a-fA-F:.]+](:\\d+)?|\\b\\d{1,3}(\\.\\d{1,3}){3}(:\\d+)?\\b");

    /**
     * {@code text} without the host and port of {@code uri}, nor any IP address: for details a client
     * sees, where the network behind the server has no business.
     */
    public static String withoutAddress(String text, URI uri) {
        String scrubbed = text;
        String host = uri.getHost();
        if (host != null && !host.isEmpty()) {
            scrubbed = scrubbed.replace(target(uri), "the provider").replace(host, "the provider");
        }
        return ADDRESS.matcher(scrubbed).replaceAll("the provider");
    }

    /**
     * A fault in words that never read "null": its type, and its message or else the first message
     * found among its causes (the JDK's HTTP client throws a {@code ConnectException} with no
     * message of its own and the refusal as its cause).
     */
    public static String describe(Throwable fault) {
        String type = fault.getClass().getSimpleName();
        Throwable at = fault;
        for (int depth = 0; at != null && depth < MAX_CAUSES; depth++, at = at.getCause()) {
            String message = at.getMessage();
            if (message != null && !message.isBlank()) {
                String cause = at.getClass().getSimpleName();
                return shorten(type + ": " + (cause.equals(type) ? "" : cause + ": ") + message);
            }
        }
        return type;
    }

    private static String shorten(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL) + "…";
    }
}
