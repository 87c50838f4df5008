package dev.spotbridge.spotler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class SpotlerDatesTest {

    private static final ZoneId AMSTERDAM = ZoneId.of("Europe/Amsterdam");

    private static Instant read(JsonValue value) {
        return SpotlerDates.read(value, AMSTERDAM);
    }

    @Test
    void epochNumbersAreMillisecondsOrSeconds() {
        Instant at = Instant.parse("2026-11-30T09:00:00Z");
        assertEquals(at, read(Json.createValue(at.toEpochMilli())));
        assertEquals(at, read(Json.createValue(at.getEpochSecond())));
        assertEquals(at, read(Json.createValue(Long.toString(at.toEpochMilli()))));
    }

    @Test
    void isoWithAnOffsetOrZIsThatInstant() {
        Instant at = Instant.parse("2026-11-30T09:00:00Z");
        assertEquals(at, read(Json.createValue("2026-11-30T09:00:00Z")));
        assertEquals(at, read(Json.createValue("2026-11-30T10:00:00+01:00")));
        assertEquals(at, read(Json.createValue("2026-11-30T10:00:00.000+01:00")));
    }

    @Test
    void isoWithoutAnOffsetIsLocalTimeOfTheAccount() {
        // winter: Amsterdam is UTC+1; summer: UTC+2
        assertEquals(
                Instant.parse("2026-11-30T09:00:00Z"),
                read(Json.createValue("2026-11-30T10:00:00")));
        assertEquals(
                Instant.parse("2026-07-01T08:00:00Z"),
                read(Json.createValue("2026-07-01T10:00:00")));
        assertEquals(
                Instant.parse("2026-11-30T09:00:00.500Z"),
                read(Json.createValue("2026-11-30 10:00:00.5")));
    }

    @Test
    void anAbsentDateIsTheEpochAndAnUnreadableOneSaysWhy() {
        assertEquals(Instant.EPOCH, read(null));
        assertEquals(Instant.EPOCH, read(JsonValue.NULL));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> read(Json.createValue("30 november")));
        assertTrue(e.getMessage().contains("30 november"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> read(JsonValue.TRUE));
    }
}
