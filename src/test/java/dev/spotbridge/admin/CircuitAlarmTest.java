package dev.spotbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** An error once a circuit has been open longer than the setting; nothing for a short outage. */
class CircuitAlarmTest {

    @Test
    void aCircuitOpenTooLongIsOneErrorAndItsClosingOneInfo() {
        List<LogRecord> logged = new ArrayList<>();
        Handler handler =
                new Handler() {
                    @Override
                    public void publish(LogRecord record) {
                        logged.add(record);
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        Logger logger = Logger.getLogger(CircuitAlarm.class.getName());
        logger.addHandler(handler);
        try {
            CircuitAlarm alarm = new CircuitAlarm();
            alarm.openMinutes = 5;
            Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
            Map<String, String> open = Map.of("upsertAll", "open");
            alarm.check("Spotler", open, t0);
            alarm.check("Spotler", open, t0.plus(Duration.ofMinutes(4)));
            assertTrue(logged.isEmpty(), "a short outage is no error");
            alarm.check("Spotler", open, t0.plus(Duration.ofMinutes(5)));
            alarm.check("Spotler", open, t0.plus(Duration.ofMinutes(6)));
            assertEquals(1, logged.size());
            assertEquals(Level.SEVERE, logged.get(0).getLevel());
            assertTrue(logged.get(0).getMessage().contains("Spotler circuit has been open since"));
            alarm.check("Spotler", Map.of("upsertAll", "closed"), t0.plus(Duration.ofMinutes(7)));
            assertEquals(2, logged.size());
            assertEquals(Level.INFO, logged.get(1).getLevel());
        } finally {
            logger.removeHandler(handler);
        }
    }
}
