package dev.spotbridge.spotler;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The dates of Spotler's answers, in every form they come in: epoch milliseconds or seconds (as a
 * number or as digits), ISO 8601 with an offset or Z, and ISO 8601 without one (also with a space
 * for the T), which is local time in the account's time zone, as the feeds' fromDate and toDate
 * are.
 */
public final class SpotlerDates {

    /** Epoch values below this are seconds, above it milliseconds (1973 in ms, 5138 in s). */
    private static final long SECONDS_BELOW = 100_000_000_000L;

    private SpotlerDates() {}

    /**
     * @param zone the account's time zone (spotler.timezone), for a date without offset
     * @return the instant; {@link Instant#EPOCH} when the field is absent or null
     * @throws IllegalArgumentException when the value is there but is no date in any known form
     */
    public static Instant read(JsonValue value, ZoneId zone) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return Instant.EPOCH;
        }
        if (value instanceof JsonNumber n) {
            return epoch(n.longValue());
        }
        if (!(value instanceof JsonString s)) {
            throw new IllegalArgumentException("not a date: " + value);
        }
        String text = s.getString().trim();
        if (text.matches("-?\\d{1,19}")) {
            return epoch(Long.parseLong(text));
        }
        String iso =
                text.length() > 10 && text.charAt(10) == ' ' ? text.replaceFirst(" ", "T") : text;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException withoutOffset) {
            try {
                return LocalDateTime.parse(iso).atZone(zone).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not a date: '" + text + "'", e);
            }
        }
    }

    private static Instant epoch(long value) {
        return Math.abs(value) < SECONDS_BELOW
                ? Instant.ofEpochSecond(value)
                : Instant.ofEpochMilli(value);
    }
}
