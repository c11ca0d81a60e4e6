package dev.vctt.stream.adapters.websocket.socketio;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vctt.stream.adapters.websocket.connection.ClientCommand;
import jakarta.websocket.CloseReason;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/** What one text frame from a Socket.IO client says: an Engine.IO packet, or the Socket.IO packet inside one. */
sealed interface Inbound {

    /** Engine.IO {@code 3}: the answer to the server's ping. */
    record Pong() implements Inbound {
    }

    /** Engine.IO {@code 1}: the client closes the connection. */
    record Close() implements Inbound {
    }

    /** Engine.IO {@code 6}: nothing (a leftover of the long-polling upgrade dance). */
    record Noop() implements Inbound {
    }

    /** Socket.IO CONNECT to a namespace, with the {@code auth} object the client sent, if any. */
    record Connect(String namespace, Optional<ObjectNode> auth) implements Inbound {
        public Connect {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(auth, "auth");
        }
    }

    /** Socket.IO DISCONNECT: the client leaves a namespace. */
    record Disconnect(String namespace) implements Inbound {
        public Disconnect {
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    /**
     * Socket.IO EVENT, read into the command it carries (an {@link ClientCommand.Unreadable} when the
     * payload is no {@code ["name", data]} array); {@code ackId} is set when the client asked for an
     * acknowledgement.
     */
    record Event(String namespace, OptionalLong ackId, ClientCommand command) implements Inbound {
        public Event {
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(ackId, "ackId");
            Objects.requireNonNull(command, "command");
        }
    }

    /** Socket.IO ACK from the client; the server never asks for one, so it is ignored. */
    record Ack(String namespace) implements Inbound {
    }

    /** Something a Socket.IO client never sends: the connection is closed with {@code code}. */
    record Violation(CloseReason.CloseCode code, String reason) implements Inbound {
        public Violation {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
