package dev.vctt.stream.application.port.out;

import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.session.SessionId;
import java.util.Objects;

/** What one node tells the others sharing its database: ids and indexes only, never text. */
public sealed interface ClusterSignal {

    /** The chunk log of a stream holds every chunk below {@code head}: a tail on another node may read on. */
    record HeadMoved(SessionId sessionId, int head) implements ClusterSignal {
        public HeadMoved {
            Objects.requireNonNull(sessionId, "sessionId");
            if (head < 0) {
                throw new IllegalArgumentException("head must not be negative, got " + head);
            }
        }
    }

    /** Whichever node owns this stream should cancel it (its caller asked elsewhere). */
    record CancelStream(SessionId sessionId) implements ClusterSignal {
        public CancelStream {
            Objects.requireNonNull(sessionId, "sessionId");
        }
    }

    /** Whichever node runs this band should cancel it. */
    record CancelBand(BandId bandId) implements ClusterSignal {
        public CancelBand {
            Objects.requireNonNull(bandId, "bandId");
        }
    }
}
