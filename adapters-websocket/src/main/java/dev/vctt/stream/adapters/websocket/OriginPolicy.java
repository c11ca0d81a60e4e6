package dev.vctt.stream.adapters.websocket;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser pages may open a connection. Without configuration: pages served by this server
 * (same origin as the {@code Host} the browser connected to) and pages on localhost. A client that
 * sends no {@code Origin} is not a browser (Node, curl) and is let through; authentication, not the
 * origin, protects against those. The literal origin {@code null} (a {@code file://} page) passes only
 * when configured.
 */
public final class OriginPolicy {

    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private final Set<String> allowed;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(OriginPolicy::normalize).collect(Collectors.toUnmodifiableSet());
    }

    public boolean allows(String origin, String host) {
        if (origin == null || origin.isEmpty()) {
            return true;
        }
        String normalized = normalize(origin);
        if (allowed.contains("*") || allowed.contains(normalized)) {
            return true;
        }
        if ("null".equals(normalized)) {
            return false;
        }
        try {
            URI uri = URI.create(normalized);
            if (uri.getHost() == null) {
                return false;
            }
            if (LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
                return true;
            }
            return host != null && uri.getAuthority() != null && uri.getAuthority().equalsIgnoreCase(host.strip());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String normalize(String origin) {
        String trimmed = origin.strip();
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
