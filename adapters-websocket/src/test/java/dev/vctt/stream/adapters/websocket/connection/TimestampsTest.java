package dev.vctt.stream.adapters.websocket.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TimestampsTest {

    @ParameterizedTest
    @CsvSource({
            "2026-11-22T10:00:00Z,              2026-11-22T10:00:00.000Z",
            "2026-11-22T10:00:00.007Z,          2026-11-22T10:00:00.007Z",
            "2026-11-22T10:00:00.07Z,           2026-11-22T10:00:00.070Z",
            "2026-11-22T10:00:00.123456789Z,    2026-11-22T10:00:00.123Z",
            "2026-11-22T23:59:59.999999Z,       2026-11-22T23:59:59.999Z",
            "1999-12-31T23:59:59.5Z,            1999-12-31T23:59:59.500Z",
    })
    void formats_utc_with_three_digits_of_milliseconds(Instant at, String expected) {
        assertThat(Timestamps.format(at)).isEqualTo(expected);
        assertThat(Timestamps.format(at)).as("again, from the cached second").isEqualTo(expected);
    }
}
