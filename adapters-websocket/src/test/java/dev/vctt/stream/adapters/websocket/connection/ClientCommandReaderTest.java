package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vctt.stream.application.port.ErrorCode;
import dev.vctt.stream.domain.request.SmoothingDraft;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code smooth} field of a stream request (native and Socket.IO read requests alike). */
class ClientCommandReaderTest {

    private final ObjectMapper json = new ObjectMapper();
    private final ClientCommandReader reader = new ClientCommandReader();

    private ClientCommand read(String event, String data) throws Exception {
        return reader.read(event, json.readTree(data));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            stream_request | {"message":"Hi","smooth":{"chunking":"word","maxDelayMs":30}} | word | 30
            stream_request | {"message":"Hi","smooth":{"chunking":"line"}}                  | line |
            stream_request | {"message":"Hi","smooth":{}}                                   |      |
            band_request   | {"message":"Hi","roles":["analyst"],"smooth":{"maxDelayMs":0}} |      | 0
            """)
    void reads_the_smooth_object_leaving_out_what_the_client_left_out(String event, String data, String chunking,
                                                                       Long maxDelayMs) throws Exception {
        ClientCommand command = read(event, data);

        var draft = command instanceof ClientCommand.RequestBand band ? band.draft().question()
                : ((ClientCommand.RequestStream) command).draft();
        assertThat(draft.smooth()).contains(new SmoothingDraft(Optional.ofNullable(chunking),
                maxDelayMs == null ? OptionalLong.empty() : OptionalLong.of(maxDelayMs)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"message\":\"Hi\"}",
            "{\"message\":\"Hi\",\"smooth\":null}"})
    void a_request_without_smooth_says_nothing_about_it(String data) throws Exception {
        ClientCommand command = read("stream_request", data);

        assertThat(((ClientCommand.RequestStream) command).draft().smooth()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"message":"Hi","smooth":"word"}                    | smooth: must be an object with chunking and maxDelayMs
            {"message":"Hi","smooth":{"chunking":1}}            | smooth.chunking: must be a string
            {"message":"Hi","smooth":{"maxDelayMs":"30"}}       | smooth.maxDelayMs: must be a whole number
            {"message":"Hi","smooth":{"maxDelayMs":2.5}}        | smooth.maxDelayMs: must be a whole number
            """)
    void a_smooth_of_the_wrong_json_type_is_a_validation_error_naming_the_field(String data, String message)
            throws Exception {
        ClientCommand command = read("stream_request", data);

        assertThat(command).isInstanceOf(ClientCommand.Unreadable.class);
        var unreadable = (ClientCommand.Unreadable) command;
        assertThat(unreadable.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
        assertThat(unreadable.message()).isEqualTo(message);
    }
}
