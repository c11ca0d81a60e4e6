package dev.vctt.stream.adapters.websocket.connection;

import jakarta.websocket.Session;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.glassfish.tyrus.core.TyrusRemoteEndpoint;
import org.glassfish.tyrus.core.TyrusWebSocket;

/**
 * Sends an {@link Outbox}'s frames to a Tyrus session, each as one WebSocket text frame built here.
 *
 * <p>Why not {@code sendText}: Tyrus encodes a text into a buffer three times its length, trims it,
 * and copies it twice more while framing it: 2 KB for a 250-byte chunk frame, a quarter of all the
 * server allocated per chunk at 100 streams (a JFR allocation profile, docs/performance.md). A frame
 * built here is the text's UTF-8 bytes behind its 2 to 10 byte header (RFC 6455 §5.2: a server's
 * frames are not masked, and a frame without RSV1 is plain text even where an extension was
 * negotiated). Tyrus writes such a prebuilt frame (its broadcast does) through
 * {@link TyrusWebSocket#sendRawFrame}, under the same per-connection lock and into the same write
 * queue as its own control frames, and refuses it once the connection is closing, as it refuses a
 * text; but the session does not expose that socket. It is read from the remote endpoint's
 * package-private field through a private lookup, resolved once: a Tyrus upgrade that renames the
 * field fails every connection at once, which every WebSocket test notices.
 */
public final class TextFrameSender implements Outbox.Sender {

    private static final byte FIN_TEXT = (byte) 0x81;
    private static final MethodHandle SOCKET = socketGetter();

    private final TyrusWebSocket socket;

    private TextFrameSender(TyrusWebSocket socket) {
        this.socket = socket;
    }

    /** The sender for a session Tyrus opened. */
    public static TextFrameSender of(Session session) {
        if (!(session.getAsyncRemote() instanceof TyrusRemoteEndpoint remote)) {
            throw new IllegalStateException("not a session Tyrus opened: " + session.getClass().getName());
        }
        try {
            return new TextFrameSender((TyrusWebSocket) SOCKET.invoke(remote));
        } catch (Error | RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            // a field getter throws nothing checked; the handle's signature merely says it may
            throw new IllegalStateException("cannot reach Tyrus's socket of a session", e);
        }
    }

    @Override
    public void send(String frame, Consumer<Throwable> done) {
        // TyrusFuture is a CompletableFuture that Tyrus completes when the transport wrote the frame
        ((CompletableFuture<?>) socket.sendRawFrame(ByteBuffer.wrap(frame(frame))))
                .whenComplete((written, failure) -> done.accept(failure));
    }

    /** The text as one unmasked, final WebSocket text frame. */
    static byte[] frame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = FIN_TEXT;
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }

    private static MethodHandle socketGetter() {
        try {
            return MethodHandles.privateLookupIn(TyrusRemoteEndpoint.class, MethodHandles.lookup())
                    .findGetter(TyrusRemoteEndpoint.class, "webSocket", TyrusWebSocket.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
