package dev.vctt.stream.adapters.websocket.connection;

/**
 * Whether a raw request path is canonical: it has nothing that decoding or normalising would change
 * (no percent-escape, no empty, {@code .} or {@code ..} segment, no backslash, no {@code ;parameter}),
 * only letters, digits, {@code - . _ ~} and the slashes between segments (a trailing slash
 * included). For such a path, Grizzly's handler mapping and Tyrus's endpoint matching (which decode
 * and normalise) and a handler reading the raw path see one and the same string, so they cannot
 * disagree on what was asked for.
 */
public final class CanonicalPath {

    private CanonicalPath() {
    }

    public static boolean isCanonical(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return false;
        }
        String[] segments = rawPath.substring(1).split("/", -1);
        for (int s = 0; s < segments.length; s++) {
            String segment = segments[s];
            boolean last = s == segments.length - 1;
            if (segment.isEmpty() && !last || segment.equals(".") || segment.equals("..")) {
                return false;
            }
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                        || c == '-' || c == '.' || c == '_' || c == '~';
                if (!unreserved) {
                    return false;
                }
            }
        }
        return true;
    }
}
