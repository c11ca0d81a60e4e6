package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/stream", "/socket.io/", "/socket.io", "/api/stats", "/api/sessions/3f2b-9c_x.y~z",
            "/docs/asyncapi.yaml", "/api/stats/"})
    void a_plain_path_is_canonical(String path) {
        assertThat(CanonicalPath.isCanonical(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "stream", "*", "http://host/stream", "//stream", "/stream//", "/a//b", "/./stream",
            "/stream/.", "/x/../stream", "/stream/..", "/%73tream", "/%2Fstream", "/stream%00", "/stream;x", "/stream\\",
            "/\\stream", "/stream ", "/stream?x", "/stream#x", "/strëam", "/stream\u0000", "/stream%", "/a/%2e%2e/b"})
    void anything_decoding_or_normalising_could_change_is_not(String path) {
        assertThat(CanonicalPath.isCanonical(path)).isFalse();
    }
}
