package dev.vctt.stream.adapters.persistence.signal;

import dev.vctt.stream.application.port.out.ClusterSignal;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.session.SessionId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A signal as the text of one NOTIFY: a kind letter, the head for a head move, then the id last (so an
 * id may hold any character but NUL): {@code h|42|<session>}, {@code c|<session>}, {@code b|<band>}.
 * PostgreSQL caps a payload below 8000 bytes; a signal that would not fit is not sent.
 */
public final class SignalPayload {

    /** PostgreSQL's limit on a NOTIFY payload in its default build, less one byte. */
    static final int MAX_BYTES = 7999;

    private SignalPayload() {
    }

    /** The channel of the servers sharing one schema (channels are per database, schemas are not). */
    public static String channel(String schema) {
        return "vctt_signals_" + schema;
    }

    /** The payload, or empty when the signal cannot travel as one (too long, or a NUL in an id). */
    public static Optional<String> encode(ClusterSignal signal) {
        String text = switch (signal) {
            case ClusterSignal.HeadMoved head -> "h|" + head.head() + "|" + head.sessionId().value();
            case ClusterSignal.CancelStream cancel -> "c|" + cancel.sessionId().value();
            case ClusterSignal.CancelBand cancel -> "b|" + cancel.bandId().value();
        };
        if (text.indexOf('\0') >= 0 || text.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return Optional.empty();
        }
        return Optional.of(text);
    }

    /** The signal, or empty for a payload this version does not know (sent by a newer node, or by hand). */
    static Optional<ClusterSignal> decode(String payload) {
        try {
            if (payload.startsWith("h|")) {
                int bar = payload.indexOf('|', 2);
                return Optional.of(new ClusterSignal.HeadMoved(SessionId.of(payload.substring(bar + 1)),
                        Integer.parseInt(payload.substring(2, bar))));
            }
            if (payload.startsWith("c|")) {
                return Optional.of(new ClusterSignal.CancelStream(SessionId.of(payload.substring(2))));
            }
            if (payload.startsWith("b|")) {
                return Optional.of(new ClusterSignal.CancelBand(BandId.of(payload.substring(2))));
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
