package dev.vctt.stream.adapters.websocket.connection;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;

/**
 * ISO-8601 UTC timestamps with milliseconds, always three digits ({@code 2026-11-22T10:00:00.120Z}).
 * Every frame carries one; the date and time up to the second are formatted once per second.
 */
public final class Timestamps {

    private record Second(long epochSecond, String prefix) {
    }

    private static volatile Second last = new Second(Long.MIN_VALUE, "");

    private Timestamps() {
    }

    public static String format(Instant at) {
        long second = at.getEpochSecond();
        Second cached = last;
        if (cached.epochSecond() != second) {
            String whole = DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(second));
            cached = new Second(second, whole.substring(0, whole.length() - 1) + ".");
            last = cached;
        }
        int millis = at.get(ChronoField.MILLI_OF_SECOND);
        var text = new StringBuilder(cached.prefix().length() + 4).append(cached.prefix());
        if (millis < 100) {
            text.append('0');
        }
        if (millis < 10) {
            text.append('0');
        }
        return text.append(millis).append('Z').toString();
    }
}
