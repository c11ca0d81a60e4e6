package dev.vctt.stream.domain.request;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What becomes of a stream when the connection that asked for it drops. */
public enum DisconnectPolicy {
    /** Keep generating for the resume grace, so that a {@code stream_resume} finds it; then cancel. */
    CONTINUE,
    /** Cancel at once (the behaviour before streams could be resumed). */
    CANCEL;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DisconnectPolicy> fromWireName(String name) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(name)).findFirst();
    }
}
