package dev.spotbridge.backsync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.ejb.ScheduleExpression;
import org.junit.jupiter.api.Test;

class SchedulesTest {

    @Test
    void cronFieldsBecomeAScheduleExpression() {
        ScheduleExpression hourly = Schedules.expression("5 * * * *");
        assertEquals("0", hourly.getSecond());
        assertEquals("5", hourly.getMinute());
        assertEquals("*", hourly.getHour());
        ScheduleExpression nightly = Schedules.expression(" 30  2 * * Mon-Fri ");
        assertEquals("30", nightly.getMinute());
        assertEquals("2", nightly.getHour());
        assertEquals("Mon-Fri", nightly.getDayOfWeek());
        assertEquals("*/15", Schedules.expression("*/15 * * * *").getMinute());
    }

    @Test
    void wrongFieldCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Schedules.expression("5 *"));
    }
}
