package dev.spotbridge.backsync;

import jakarta.ejb.NoMoreTimeoutsException;
import jakarta.ejb.NoSuchObjectLocalException;
import jakarta.ejb.ScheduleExpression;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerService;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The cron-like schedules of the scheduled runs (spotbridge.*.schedule) and their timers. */
public final class Schedules {

    private Schedules() {}

    /** The next firing of each timer of a timer service, by the timer's info. */
    public static Map<String, Instant> nextTimeouts(TimerService timers) {
        Map<String, Instant> next = new TreeMap<>();
        for (Timer timer : timers.getTimers()) {
            try {
                next.put(String.valueOf(timer.getInfo()), timer.getNextTimeout().toInstant());
            } catch (NoMoreTimeoutsException | NoSuchObjectLocalException ended) {
                // a timer that will not fire again has no next run
            }
        }
        return next;
    }

    /** "m h dom mon dow" → an EJB schedule (each field: a value, *, a list, a range or a step). */
    public static ScheduleExpression expression(String cron) {
        String[] f = cron.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException(
                    "schedule '"
                            + cron
                            + "' must have 5 fields: minute hour day-of-month month day-of-week");
        }
        return new ScheduleExpression()
                .second("0")
                .minute(f[0])
                .hour(f[1])
                .dayOfMonth(f[2])
                .month(f[3])
                .dayOfWeek(f[4]);
    }
}
