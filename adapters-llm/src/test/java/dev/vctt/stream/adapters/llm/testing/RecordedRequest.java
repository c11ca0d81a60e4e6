package dev.vctt.stream.adapters.llm.testing;

import java.util.Map;

/** A request the replay server received; header names are lower case. */
public record RecordedRequest(String method, String path, Map<String, String> headers, String body) {

    public String header(String name) {
        return headers.get(name.toLowerCase(java.util.Locale.ROOT));
    }
}
