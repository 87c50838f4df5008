package dev.spotbridge.privacy;

import dev.spotbridge.backsync.Schedules;
import dev.spotbridge.runs.RunStopped;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.Timeout;
import jakarta.ejb.Timer;
import jakarta.ejb.TimerConfig;
import jakarta.ejb.TimerService;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The timer of the daily retention run (spotbridge.retention.schedule, cron-like "minute hour
 * day-of-month month day-of-week", default 03:15 every day, or "off"). Every node has it; the run
 * lock lets one node run each firing. A failed run is repeated by the next one.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class RetentionSchedule {

    private static final Logger LOG = Logger.getLogger(RetentionSchedule.class.getName());

    @Resource TimerService timers;

    @Inject Retention retention;

    @Inject
    @ConfigProperty(name = "spotbridge.retention.schedule", defaultValue = "15 3 * * *")
    String schedule;

    @PostConstruct
    void schedule() {
        if ("off".equalsIgnoreCase(schedule.trim())) {
            LOG.info("retention timer is off");
            return;
        }
        timers.createCalendarTimer(
                Schedules.expression(schedule), new TimerConfig("retention", false));
    }

    /** When the retention run ("retention") fires next on this node; empty when it is off. */
    public Map<String, Instant> nextRuns() {
        return Schedules.nextTimeouts(timers);
    }

    @Timeout
    void fire(Timer timer) {
        try {
            Instant slot = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            LOG.info(() -> "retention run: " + retention.run(slot));
        } catch (RuntimeException e) {
            RunStopped.log(LOG, "retention run failed; the next run repeats it", e);
        }
    }
}
