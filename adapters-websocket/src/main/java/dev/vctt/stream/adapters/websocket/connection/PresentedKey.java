package dev.vctt.stream.adapters.websocket.connection;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Where a client presents its API key: {@code Authorization: Bearer KEY}, or the {@code token} query
 * parameter for browsers, which cannot set headers on a WebSocket.
 */
public final class PresentedKey {

    private PresentedKey() {
    }

    public static Optional<String> from(String authorizationHeader, String tokenParameter) {
        if (authorizationHeader != null) {
            String value = authorizationHeader.strip();
            if (value.regionMatches(true, 0, "Bearer ", 0, 7) && value.length() > 7) {
                return Optional.of(value.substring(7).strip());
            }
        }
        return Optional.ofNullable(tokenParameter).map(String::strip).filter(token -> !token.isEmpty());
    }

    /** The {@code token} parameter of a raw query string, decoded; null if absent. */
    public static String tokenParameter(String queryString) {
        if (queryString == null) {
            return null;
        }
        for (String pair : queryString.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals("token")) {
                String raw = pair.substring(equals + 1);
                try {
                    return URLDecoder.decode(raw, StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    // a malformed escape: no key has one, so the raw text is presented and refused like any wrong key
                    return raw;
                }
            }
        }
        return null;
    }
}
