package dev.vctt.stream.adapters.websocket.connection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.band.BandId;
import dev.vctt.stream.domain.band.BandRequestDraft;
import dev.vctt.stream.domain.request.HistoryEntryDraft;
import dev.vctt.stream.domain.request.SmoothingDraft;
import dev.vctt.stream.domain.request.StreamRequestDraft;
import dev.vctt.stream.domain.request.Violation;
import dev.vctt.stream.domain.session.SessionId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reads a client event's name and JSON data into a command. It checks only the JSON types (a field
 * that should be a number but is a string); the domain checks the values. A wrong type is a
 * {@code VALIDATION_ERROR} naming the field, as a value out of range is. {@code null} means absent.
 */
public final class ClientCommandReader {

    public static final int MAX_REQUEST_ID_CHARS = 200;

    public ClientCommand read(String event, JsonNode data) {
        return switch (event) {
            case "stream_request" -> readRequest(data);
            case "stream_cancel" -> readCancel(data);
            case "stream_resume" -> readResume(data);
            case "band_request" -> readBand(data);
            case "band_cancel" -> readBandCancel(data);
            default -> new ClientCommand.Unreadable(ErrorCode.UNKNOWN_EVENT,
                    "unknown event '" + shorten(event) + "'; expected stream_request, stream_cancel, stream_resume,"
                            + " band_request or band_cancel",
                    Optional.empty());
        };
    }

    private ClientCommand readRequest(JsonNode data) {
        var problems = new ArrayList<Violation>();
        if (data == null || !data.isObject()) {
            return invalid(List.of(new Violation("data", "must be an object")), Optional.empty());
        }
        Optional<String> requestId = text(data, "requestId", problems);
        if (requestId.isPresent() && requestId.get().length() > MAX_REQUEST_ID_CHARS) {
            problems.add(new Violation("requestId", "must be at most " + MAX_REQUEST_ID_CHARS + " characters"));
            requestId = Optional.empty();
        }
        Optional<String> message = text(data, "message", problems);
        Optional<String> systemPrompt = text(data, "systemPrompt", problems);
        OptionalDouble temperature = number(data, "temperature", problems);
        Optional<String> agentRole = text(data, "agentRole", problems);
        Optional<Boolean> enableTools = bool(data, "enableTools", problems);
        Optional<List<HistoryEntryDraft>> history = history(data, problems);
        OptionalLong maxTokens = integer(data, "maxTokens", problems);
        Optional<String> onDisconnect = text(data, "onDisconnect", problems);
        Optional<SmoothingDraft> smooth = smooth(data, problems);
        if (!problems.isEmpty()) {
            return invalid(problems, requestId);
        }
        return new ClientCommand.RequestStream(new StreamRequestDraft(message, systemPrompt, temperature, agentRole,
                enableTools, history, maxTokens, onDisconnect, smooth), requestId);
    }

    /** A band request: the question's fields as in a stream request (but no agentRole), and the band's own. */
    private ClientCommand readBand(JsonNode data) {
        ClientCommand question = readRequest(data);
        if (!(question instanceof ClientCommand.RequestStream stream)) {
            return question;
        }
        var problems = new ArrayList<Violation>();
        Optional<List<String>> roles = roles(data, problems);
        Optional<Boolean> synthesis = bool(data, "synthesis", problems);
        Optional<Boolean> verification = bool(data, "verification", problems);
        OptionalLong quorum = integer(data, "quorum", problems);
        OptionalLong memberTimeoutMs = integer(data, "memberTimeoutMs", problems);
        if (data.has("agentRole") && !data.get("agentRole").isNull()) {
            problems.add(new Violation("agentRole", "is not part of a band request; name the members in roles"));
        }
        if (!problems.isEmpty()) {
            return invalid(problems, stream.requestId());
        }
        return new ClientCommand.RequestBand(new BandRequestDraft(stream.draft(), roles, synthesis, verification, quorum,
                memberTimeoutMs), stream.requestId());
    }

    private ClientCommand readBandCancel(JsonNode data) {
        if (data == null || !data.isObject()) {
            return invalid(List.of(new Violation("data", "must be an object")), Optional.empty());
        }
        var problems = new ArrayList<Violation>();
        Optional<String> id = text(data, "bandId", problems);
        if (id.isEmpty() || id.get().isBlank()) {
            if (problems.isEmpty()) {
                problems.add(new Violation("bandId", "is required"));
            }
            return invalid(problems, Optional.empty());
        }
        return new ClientCommand.CancelBand(BandId.of(id.get()));
    }

    private static Optional<List<String>> roles(JsonNode data, List<Violation> problems) {
        JsonNode node = data.get("roles");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            problems.add(new Violation("roles", "must be an array of role names"));
            return Optional.empty();
        }
        var roles = new ArrayList<String>(node.size());
        for (int i = 0; i < node.size(); i++) {
            if (!node.get(i).isTextual()) {
                problems.add(new Violation("roles[" + i + "]", "must be a string"));
            } else {
                roles.add(node.get(i).asText());
            }
        }
        return Optional.of(roles);
    }

    private ClientCommand readCancel(JsonNode data) {
        var problems = new ArrayList<Violation>();
        Optional<SessionId> sessionId = sessionId(data, problems);
        if (sessionId.isEmpty()) {
            return invalid(problems, Optional.empty());
        }
        return new ClientCommand.CancelStream(sessionId.get());
    }

    private ClientCommand readResume(JsonNode data) {
        var problems = new ArrayList<Violation>();
        Optional<SessionId> sessionId = sessionId(data, problems);
        OptionalLong fromIndex = data != null && data.isObject() ? integer(data, "fromIndex", problems) : OptionalLong.empty();
        if (fromIndex.isPresent() && (fromIndex.getAsLong() < 0 || fromIndex.getAsLong() > Integer.MAX_VALUE)) {
            problems.add(new Violation("fromIndex", "must be 0 or more"));
        }
        if (!problems.isEmpty() || sessionId.isEmpty()) {
            return invalid(problems, Optional.empty());
        }
        return new ClientCommand.ResumeStream(sessionId.get(), (int) fromIndex.orElse(0));
    }

    private Optional<SessionId> sessionId(JsonNode data, List<Violation> problems) {
        if (data == null || !data.isObject()) {
            problems.add(new Violation("data", "must be an object"));
            return Optional.empty();
        }
        Optional<String> id = text(data, "sessionId", problems);
        if (id.isEmpty() || id.get().isBlank()) {
            if (problems.isEmpty()) {
                problems.add(new Violation("sessionId", "is required"));
            }
            return Optional.empty();
        }
        return Optional.of(SessionId.of(id.get()));
    }

    private static Optional<List<HistoryEntryDraft>> history(JsonNode data, List<Violation> problems) {
        JsonNode node = data.get("history");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isArray()) {
            problems.add(new Violation("history", "must be an array"));
            return Optional.empty();
        }
        var entries = new ArrayList<HistoryEntryDraft>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode entry = node.get(i);
            String field = "history[" + i + "]";
            if (!entry.isObject()) {
                problems.add(new Violation(field, "must be an object with role and content"));
                continue;
            }
            entries.add(new HistoryEntryDraft(text(entry, "role", field + ".role", problems),
                    text(entry, "content", field + ".content", problems)));
        }
        return Optional.of(entries);
    }

    private static Optional<SmoothingDraft> smooth(JsonNode data, List<Violation> problems) {
        JsonNode node = data.get("smooth");
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            problems.add(new Violation("smooth", "must be an object with chunking and maxDelayMs"));
            return Optional.empty();
        }
        return Optional.of(new SmoothingDraft(text(node, "chunking", "smooth.chunking", problems),
                integer(node, "maxDelayMs", "smooth.maxDelayMs", problems)));
    }

    private static Optional<String> text(JsonNode data, String field, List<Violation> problems) {
        return text(data, field, field, problems);
    }

    private static Optional<String> text(JsonNode data, String field, String name, List<Violation> problems) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            problems.add(new Violation(name, "must be a string"));
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static OptionalDouble number(JsonNode data, String field, List<Violation> problems) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return OptionalDouble.empty();
        }
        if (!node.isNumber()) {
            problems.add(new Violation(field, "must be a number"));
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(node.asDouble());
    }

    private static OptionalLong integer(JsonNode data, String field, List<Violation> problems) {
        return integer(data, field, field, problems);
    }

    private static OptionalLong integer(JsonNode data, String field, String name, List<Violation> problems) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return OptionalLong.empty();
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            problems.add(new Violation(name, "must be a whole number"));
            return OptionalLong.empty();
        }
        return OptionalLong.of(node.asLong());
    }

    private static Optional<Boolean> bool(JsonNode data, String field, List<Violation> problems) {
        JsonNode node = data.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            problems.add(new Violation(field, "must be true or false"));
            return Optional.empty();
        }
        return Optional.of(node.asBoolean());
    }

    private static ClientCommand invalid(List<Violation> problems, Optional<String> requestId) {
        return new ClientCommand.Unreadable(ErrorCode.VALIDATION_ERROR,
                problems.stream().map(Violation::describe).collect(Collectors.joining("; ")), requestId);
    }

    private static String shorten(String text) {
        return WellFormedText.shorten(text, 40);
    }
}
