package dev.vctt.stream.application.port.out;

import java.time.Instant;
import java.util.List;

/**
 * For owning this node's running streams under one lease, and for taking over the streams of nodes
 * whose lease ran out.
 *
 * <p>Every stream this node opens is owned by it under its token; one {@link #renew} extends the lease
 * of all of them at once. A node that stops renewing (killed, cut off) loses them: another node's
 * {@link #takeOverAbandoned} marks them interrupted, and from then on the dead node's writes to them,
 * fenced on its token, change nothing. Both methods are synchronous and may throw
 * {@link StoreUnavailable}.
 */
public interface StreamLeases {

    /** This node. */
    NodeIdentity node();

    /** Extends this node's lease over every stream it owns, in one write. */
    void renew();

    /**
     * Marks interrupted, and returns, the running sessions whose owner's lease has expired (with what
     * their last progress record said); each such session is returned to exactly one caller across all
     * nodes, however many ask at once, so it is billed once.
     */
    List<RunningSession> takeOverAbandoned(Instant at);
}
