package dev.vctt.stream.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WriteFailureTest {

    @ParameterizedTest(name = "SQLSTATE {0} is {1}")
    @CsvSource({
        // what waiting cures
        "08006, TRANSIENT", "08001, TRANSIENT", "57P01, TRANSIENT", "57P02, TRANSIENT", "57P03, TRANSIENT",
        "53300, TRANSIENT", "53100, TRANSIENT", "40001, TRANSIENT", "40P01, TRANSIENT", "55P03, TRANSIENT",
        "58030, TRANSIENT",
        // what no retry changes
        "22021, PERMANENT", "22P05, PERMANENT", "22001, PERMANENT", "23505, PERMANENT", "23503, PERMANENT",
        "42P01, PERMANENT", "42703, PERMANENT", "XX001, PERMANENT", "0A000, PERMANENT",
        // neither known: a few tries
        "55000, UNKNOWN", "72000, UNKNOWN", "F0000, UNKNOWN"})
    void a_database_failure_is_classed_by_its_sqlstate(String state, WriteFailure expected) {
        assertThat(WriteFailure.of(new SQLException("failed", state))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void no_connection_from_the_pool_is_transient_and_a_bug_in_the_write_is_permanent() {
        assertThat(WriteFailure.of(new SQLTransientConnectionException("pool timeout"))).isEqualTo(WriteFailure.TRANSIENT);
        assertThat(WriteFailure.of(new SQLException("no state"))).isEqualTo(WriteFailure.TRANSIENT);
        assertThat(WriteFailure.of(new IllegalStateException("bug"))).isEqualTo(WriteFailure.PERMANENT);
    }
}
