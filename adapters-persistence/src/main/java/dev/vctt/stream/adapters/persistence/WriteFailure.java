package dev.vctt.stream.adapters.persistence;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Why a write failed, which decides what the {@link JdbcWriter} does next: wait and retry while the
 * database cannot be reached or is busy; set the write aside at once when it can never succeed;
 * retry a few times when the reason is not known.
 */
enum WriteFailure {
    /** Connection lost or refused, server shutting down or out of resources, lock or serialization conflict. */
    TRANSIENT,
    /** The write itself is wrong (data exception, constraint violation, SQL or schema error, a bug in the code). */
    PERMANENT,
    /** Anything else: retried a few times, then set aside. */
    UNKNOWN;

    /** SQLSTATE classes (the first two characters) a retry can outlive. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of(
            "08", // connection exception
            "40", // transaction rollback: serialization failure, deadlock
            "53", // insufficient resources: disk full, out of memory, too many connections
            "57", // operator intervention: admin/crash shutdown, cannot connect now, query cancelled
            "58"); // system error: I/O error
    /** SQLSTATE classes a retry cannot change. */
    private static final Set<String> PERMANENT_CLASSES = Set.of(
            "0A", // feature not supported
            "21", // cardinality violation
            "22", // data exception: U+0000 in text, bad encoding, value out of range, bad JSON
            "23", // integrity constraint violation
            "25", // invalid transaction state
            "2B", "2D", "2F", // dependent privilege descriptors, transaction termination, SQL routine
            "3D", "3F", // invalid catalog or schema name
            "42", // syntax error or access rule violation (undefined table or column included)
            "44", // with check option violation
            "P0", // PL/pgSQL raise
            "XX"); // internal error: data corrupted, index corrupted

    static WriteFailure of(Exception failure) {
        if (failure instanceof SQLTransientException || failure instanceof SQLRecoverableException) {
            return TRANSIENT;
        }
        if (failure instanceof SQLException sql) {
            String state = sql.getSQLState();
            if (state == null || state.length() < 2) {
                // the pool gave no connection, or the driver failed below SQL: treat as unreachable
                return TRANSIENT;
            }
            if (state.equals("55P03")) {
                return TRANSIENT; // lock not available
            }
            String stateClass = state.substring(0, 2);
            if (TRANSIENT_CLASSES.contains(stateClass)) {
                return TRANSIENT;
            }
            return PERMANENT_CLASSES.contains(stateClass) ? PERMANENT : UNKNOWN;
        }
        // a RuntimeException thrown by the write's own code: a bug, which repeats on every try
        return PERMANENT;
    }
}
