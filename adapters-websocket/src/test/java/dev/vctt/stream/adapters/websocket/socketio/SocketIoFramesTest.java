package dev.vctt.stream.adapters.websocket.socketio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.adapters.websocket.connection.ClientCommand;
import dev.vctt.stream.adapters.websocket.connection.CommandReceipt;
import dev.vctt.stream.adapters.websocket.connection.EventJson;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.session.SessionId;
import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SocketIoFramesTest {

    private final SocketIoFrames frames = new SocketIoFrames(new ObjectMapper(), 1024);

    @Test
    void a_server_event_is_one_event_packet_of_the_namespace_with_a_json_array() {
        String frame = frames.frame("stream_error", out -> EventJson.error(out, Optional.empty(), ErrorCode.BAD_JSON,
                "say \"what\"", Optional.empty(), Instant.parse("2026-11-22T10:00:00.123Z")));

        assertThat(frame).isEqualTo("42/stream,[\"stream_error\",{\"error\":\"say \\\"what\\\"\",\"code\":\"BAD_JSON\","
                + "\"retryable\":false,\"timestamp\":\"2026-11-22T10:00:00.123Z\"}]");
    }

    @Test
    void with_recovery_the_offset_is_the_last_element_of_the_array_and_round_trips() {
        String frame = frames.frame("stream_heartbeat", out -> {
            out.writeStartObject();
            out.writeEndObject();
        }, Offsets.format(1295));

        assertThat(frame).isEqualTo("42/stream,[\"stream_heartbeat\",{},\"zz\"]");
        assertThat(Offsets.parse("zz")).hasValue(1295);
        assertThat(Offsets.parse("")).isEmpty();
        assertThat(Offsets.parse("-1")).isEmpty();
        assertThat(Offsets.parse("0")).isEmpty();
        assertThat(Offsets.parse("not an offset")).isEmpty();
        assertThat(Offsets.parse("z".repeat(14))).isEmpty();
    }

    @Test
    void the_open_packet_and_the_connect_replies_are_what_socket_io_client_expects() {
        SocketIoSettings settings = new SocketIoSettings(Duration.ofSeconds(25), Duration.ofSeconds(20), Duration.ofSeconds(45));

        assertThat(frames.open("abc", settings, 4096))
                .isEqualTo("0{\"sid\":\"abc\",\"upgrades\":[],\"pingInterval\":25000,\"pingTimeout\":20000,\"maxPayload\":4096}");
        assertThat(frames.connected("xyz", Optional.empty())).isEqualTo("40/stream,{\"sid\":\"xyz\"}");
        assertThat(frames.connected("xyz", Optional.of("p1"))).isEqualTo("40/stream,{\"sid\":\"xyz\",\"pid\":\"p1\"}");
        assertThat(frames.unauthorized()).isEqualTo("44/stream,{\"message\":\"unauthorized\",\"data\":{\"code\":\"UNAUTHORIZED\"}}");
        assertThat(frames.invalidNamespace("/random")).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        assertThat(frames.invalidNamespace("/")).isEqualTo("44{\"message\":\"Invalid namespace\"}");
    }

    @Test
    void an_acknowledgement_carries_the_receipt_under_the_clients_id() {
        assertThat(frames.ack(7, new CommandReceipt.Accepted(SessionId.of("s-1"))))
                .isEqualTo("43/stream,7[{\"accepted\":true,\"sessionId\":\"s-1\"}]");
        assertThat(frames.ack(0, new CommandReceipt.Refused(ErrorCode.TOO_MANY_STREAMS, "at most 8")))
                .isEqualTo("43/stream,0[{\"accepted\":false,\"code\":\"TOO_MANY_STREAMS\",\"error\":\"at most 8\",\"retryable\":true}]");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "40/stream,                  | /stream | false",
            "40/stream                   | /stream | false",
            "40/stream,{\"token\":\"t\"} | /stream | true",
            "40                          | /       | false",
            "40{\"token\":\"t\"}         | /       | true",
            "40/admin,                   | /admin  | false",
    })
    void connect_is_read_with_its_namespace_and_auth(String text, String namespace, boolean hasAuth) {
        Inbound packet = frames.read(text, false);

        assertThat(packet).isInstanceOfSatisfying(Inbound.Connect.class, connect -> {
            assertThat(connect.namespace()).isEqualTo(namespace);
            assertThat(connect.auth().isPresent()).isEqualTo(hasAuth);
        });
    }

    @Test
    void an_event_is_read_into_the_same_command_the_native_protocol_reads() {
        Inbound packet = frames.read("42/stream,[\"stream_cancel\",{\"sessionId\":\"s-9\"}]", false);

        assertThat(packet).isEqualTo(new Inbound.Event("/stream", OptionalLong.empty(),
                new ClientCommand.CancelStream(SessionId.of("s-9"))));
    }

    @Test
    void an_ack_id_is_read_between_the_namespace_and_the_payload() {
        Inbound packet = frames.read("42/stream,123[\"stream_cancel\",{\"sessionId\":\"s-9\"}]", false);

        assertThat(packet).isInstanceOfSatisfying(Inbound.Event.class,
                event -> assertThat(event.ackId()).hasValue(123));
    }

    @Test
    void an_oversized_event_is_message_too_large_without_reading_its_payload() {
        Inbound packet = frames.read("42/stream,9[\"stream_request\",{\"message\":", true);

        assertThat(packet).isInstanceOfSatisfying(Inbound.Event.class, event -> {
            assertThat(event.ackId()).hasValue(9);
            assertThat(event.command()).isInstanceOfSatisfying(ClientCommand.Unreadable.class,
                    unreadable -> assertThat(unreadable.code()).isEqualTo(ErrorCode.MESSAGE_TOO_LARGE));
        });
    }

    @ParameterizedTest(name = "[{index}] \"{0}\" closes with {1}")
    @CsvSource(delimiter = '|', value = {
            "''                                  | 1002",
            "2                                   | 1002",
            "5                                   | 1002",
            "7                                   | 1002",
            "4                                   | 1002",
            "48/stream,                          | 1002",
            "44/stream,{}                        | 1002",
            "451-/stream,[\"a\",{\"_placeholder\":true,\"num\":0}] | 1003",
            "46/stream,1[]                       | 1003",
            "42/stream,1234567890123456[\"x\"]   | 1002",
            "40/stream,\"token\"                 | 1002",
    })
    void packets_no_socket_io_client_sends_are_violations(String text, int code) {
        Inbound packet = frames.read(text, false);

        assertThat(packet).isInstanceOfSatisfying(Inbound.Violation.class,
                violation -> assertThat(violation.code().getCode()).isEqualTo(code));
    }

    @Test
    void an_oversized_packet_that_is_not_an_event_is_too_big() {
        assertThat(frames.read("40/stream,{\"token\":\"" + "x".repeat(2000) + "\"}", true))
                .isEqualTo(new Inbound.Violation(CloseReason.CloseCodes.TOO_BIG, "a frame may be at most 1024 bytes"));
    }

    @Test
    void engine_io_pong_close_and_noop_are_read() {
        assertThat(frames.read("3", false)).isEqualTo(new Inbound.Pong());
        assertThat(frames.read("1", false)).isEqualTo(new Inbound.Close());
        assertThat(frames.read("6", false)).isEqualTo(new Inbound.Noop());
        assertThat(frames.read("41/stream,", false)).isEqualTo(new Inbound.Disconnect("/stream"));
    }
}
