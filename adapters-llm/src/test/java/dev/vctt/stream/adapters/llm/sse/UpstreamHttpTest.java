package dev.vctt.stream.adapters.llm.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UpstreamHttpTest {

    @Test
    void extra_headers_are_kept_and_sent_after_the_ones_every_family_sends() {
        Map<String, String> headers = UpstreamHttp.extraHeaders(Map.of("X-Gateway-Route", "eu"), "api-key");

        var request = UpstreamHttp.post(URI.create("http://127.0.0.1/v1/x"), new byte[0], headers).build();

        assertThat(request.headers().firstValue("x-gateway-route")).hasValue("eu");
        assertThat(request.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(request.headers().firstValue("accept")).hasValue("text/event-stream");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Type", "accept", "API-KEY", "Host", "Connection", "Content-Length", "bad header"})
    void a_header_the_adapter_or_the_http_client_owns_is_refused_by_name(String name) {
        assertThatThrownBy(() -> UpstreamHttp.extraHeaders(Map.of(name, "x"), "api-key"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(name);
    }

    @Test
    void a_header_without_a_value_is_refused() {
        var headers = new HashMap<String, String>();
        headers.put("X-Empty", null);

        assertThatThrownBy(() -> UpstreamHttp.extraHeaders(headers)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("X-Empty");
    }
}
