package dev.spotbridge.schema;

import java.time.Instant;

/**
 * A time as a native query returns it (the JDBC driver's type differs between H2 and PostgreSQL).
 */
public final class SqlTimes {

    private SqlTimes() {}

    public static Instant instant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof java.time.ZonedDateTime z) {
            return z.toInstant();
        }
        throw new IllegalStateException("a time of type " + value.getClass());
    }
}
