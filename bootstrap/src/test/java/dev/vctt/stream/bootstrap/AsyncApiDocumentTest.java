package dev.vctt.stream.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.websocket.connection.WireNames;
import dev.vctt.stream.application.port.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The protocol description the server ships names every event and error code the code can send. */
class AsyncApiDocumentTest {

    private static String document() throws IOException {
        try (InputStream in = AsyncApiDocumentTest.class.getResourceAsStream("/dev/vctt/stream/docs/asyncapi.yaml")) {
            assertThat(in).as("asyncapi.yaml packaged by the docs module").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void every_error_code_is_documented() throws IOException {
        String document = document();
        for (ErrorCode code : ErrorCode.values()) {
            String wire = WireNames.of(code);
            assertThat(document).as(wire).contains("        - " + wire + "\n").contains(wire + ": ");
        }
    }

    @Test
    void every_event_is_documented() throws IOException {
        String document = document();
        for (String event : List.of(WireNames.STREAM_START, WireNames.STREAM_CHUNK, WireNames.STREAM_COMPLETE,
                WireNames.STREAM_ERROR, WireNames.STREAM_FALLBACK, WireNames.STREAM_HEARTBEAT, "stream_request", "stream_cancel", "stream_resume")) {
            assertThat(document).as(event).contains("name: " + event + "\n");
        }
    }
}
