package dev.spotbridge.http;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The Retry-After header of a 429 or 503: seconds, or an HTTP date; 1 s when absent or unreadable.
 */
public final class RetryAfter {

    private RetryAfter() {}

    public static Duration parse(String header) {
        if (header == null || header.isBlank()) {
            return Duration.ofSeconds(1);
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at =
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofMillis(
                        Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
            } catch (RuntimeException unparsable) {
                return Duration.ofSeconds(1);
            }
        }
    }

    /** Waits out a Retry-After on the calling thread; an interrupt ends the wait and the call. */
    public static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while honouring Retry-After", e);
        }
    }
}
