package dev.vctt.stream.application.port.out;

/**
 * Controls one running provider stream. {@link #cancel()} is idempotent and closes the upstream
 * connection; afterwards no further delta arrives and {@code onEnd(Cancelled)} follows once (unless
 * the stream had already ended).
 */
public interface StreamHandle {

    void cancel();

    boolean isCancelled();
}
