package dev.vctt.stream.application.service;

import dev.vctt.stream.domain.smoothing.Smoothing;
import java.util.Objects;

/**
 * The server's side of stream smoothing.
 *
 * @param serverDefault what a request that says nothing about {@code smooth} gets ({@code VCTT_SMOOTH})
 * @param maxHeldChars  a smoothed stream holds at most this much text; more goes out at once
 */
public record SmoothSettings(Smoothing serverDefault, int maxHeldChars) {

    public static final int DEFAULT_MAX_HELD_CHARS = 4096;
    public static final SmoothSettings OFF = new SmoothSettings(Smoothing.OFF, DEFAULT_MAX_HELD_CHARS);

    public SmoothSettings {
        Objects.requireNonNull(serverDefault, "serverDefault");
        if (maxHeldChars < 1) {
            throw new IllegalArgumentException("maxHeldChars must be positive: " + maxHeldChars);
        }
    }
}
