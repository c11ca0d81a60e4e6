package dev.vctt.stream.adapters.llm.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.domain.routing.FailureKind;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class HttpFailuresTest {

    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

    @ParameterizedTest(name = "HTTP {0} -> {1}, retryable {2}")
    @CsvSource({
            "400, BAD_REQUEST,      false",
            "401, UNAUTHORIZED,     false",
            "402, BAD_REQUEST,      false",
            "403, FORBIDDEN,        false",
            "404, NOT_FOUND,        false",
            "408, REQUEST_TIMEOUT,  true",
            "409, CONFLICT,         true",
            "413, BAD_REQUEST,      false",
            "422, BAD_REQUEST,      false",
            "429, RATE_LIMITED,     true",
            "500, SERVER_ERROR,     true",
            "502, SERVER_ERROR,     true",
            "503, OVERLOADED,       true",
            "504, SERVER_ERROR,     true",
            "529, OVERLOADED,       true",
    })
    void maps_each_status_to_a_failure_kind(int status, FailureKind kind, boolean retryable) {
        assertThat(HttpFailures.kindOf(status)).isEqualTo(kind);
        assertThat(HttpFailures.kindOf(status).retryable()).isEqualTo(retryable);
    }

    @ParameterizedTest(name = "{0}: {1} -> {2} ms")
    @CsvSource(nullValues = "-", value = {
            "retry-after,    7,                             7000",
            "retry-after,    0.5,                           500",
            "retry-after,    'Sun, 22 Nov 2026 10:00:30 GMT', 30000",
            "retry-after,    'Sun, 22 Nov 2026 09:59:00 GMT', 0",
            "retry-after,    soon,                          -",
            "retry-after,    -3,                            -",
            "retry-after-ms, 644,                           644",
            "retry-after-ms, 12.6,                          13",
            "x-other,        5,                             -",
    })
    void reads_the_retry_hint(String header, String value, Long millis) {
        HttpHeaders headers = HttpHeaders.of(Map.of(header, List.of(value)), (a, b) -> true);

        assertThat(HttpFailures.retryAfter(headers, NOW)).isEqualTo(Optional.ofNullable(millis).map(Duration::ofMillis));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\"}} | Incorrect API key provided",
            "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}    | Overloaded",
            "{\"code\":\"invalid-argument\",\"error\":\"Incorrect API key provided.\"}                    | Incorrect API key provided.",
            "{\"message\":\"model not found\"}                                                          | model not found",
            "<html>Bad gateway</html>                                                                   | <html>Bad gateway</html>",
    })
    void finds_the_message_in_each_providers_error_body(String body, String detail) {
        assertThat(HttpFailures.detail(body)).isEqualTo(detail);
    }

    static Stream<Arguments> faults_without_a_message_of_their_own() {
        return Stream.of(
                Arguments.of(new ConnectException(), "ConnectException"),
                Arguments.of(new ConnectException(null), "ConnectException"),
                Arguments.of(withCause(new ConnectException(), new ConnectException("Connection refused")),
                        "ConnectException: Connection refused"),
                Arguments.of(withCause(new ConnectException(), new ClosedChannelException()), "ConnectException"),
                Arguments.of(new HttpConnectTimeoutException(null), "HttpConnectTimeoutException"),
                Arguments.of(new EOFException(), "EOFException"),
                Arguments.of(new IOException(new SocketException("Connection reset")),
                        "IOException: java.net.SocketException: Connection reset"),
                Arguments.of(new IOException("  "), "IOException"),
                Arguments.of(new InterruptedException(), "InterruptedException"),
                Arguments.of(new IllegalStateException("closed"), "IllegalStateException: closed"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("faults_without_a_message_of_their_own")
    void a_fault_is_described_by_its_type_and_the_first_message_in_its_chain_never_as_null(Throwable fault,
                                                                                          String words) {
        String described = HttpFailures.describe(fault);

        assertThat(described).isEqualTo(words).doesNotContain("null");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "https://api.openai.com/v1,          api.openai.com:443",
            "http://127.0.0.1:8080/v1,           127.0.0.1:8080",
            "http://localhost/v1,                localhost:80",
            "HTTPS://api.anthropic.com:8443/v1,  api.anthropic.com:8443",
    })
    void a_target_names_host_and_port_with_the_default_port_made_explicit(URI uri, String target) {
        assertThat(HttpFailures.target(uri)).isEqualTo(target);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
            "http://10.1.2.3:8080/v1      | ConnectException: Connection refused: /10.1.2.3:8080 | ConnectException: Connection refused: /the provider",
            "https://proxy.corp.example/v1 | UnknownHostException: proxy.corp.example           | UnknownHostException: the provider",
            "https://proxy.corp.example/v1 | IOException: no route to proxy.corp.example:443     | IOException: no route to the provider",
            "https://api.openai.com/v1     | IOException: reset by [fd00::1]:443 and 192.168.0.7 | IOException: reset by the provider and the provider",
            "https://api.openai.com/v1     | HttpConnectTimeoutException: HTTP connect timed out | HttpConnectTimeoutException: HTTP connect timed out",
    })
    void a_detail_for_clients_names_no_host_port_or_address(URI uri, String detail, String forClients) {
        assertThat(HttpFailures.withoutAddress(detail, uri)).isEqualTo(forClients);
    }

    private static <T extends Throwable> T withCause(T fault, Throwable cause) {
        fault.initCause(cause);
        return fault;
    }
}
