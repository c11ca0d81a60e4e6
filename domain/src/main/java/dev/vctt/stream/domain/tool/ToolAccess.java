package dev.vctt.stream.domain.tool;

import java.util.Optional;
import java.util.Set;

/**
 * Deny by default: a tool may run only when its server's allow-list names it and, where the caller
 * holds an API key with its own tool list, that list names it too. A tool's description or result
 * never changes this: it is decided from configuration and the key alone.
 */
public final class ToolAccess {

    private ToolAccess() {
    }

    /** @param keyTools the key's own tool list; empty when the caller has no key-level list (auth off). */
    public static boolean allowed(String tool, Set<String> serverAllowList, Optional<Set<String>> keyTools) {
        return serverAllowList.contains(tool) && keyTools.map(tools -> tools.contains(tool)).orElse(true);
    }
}
