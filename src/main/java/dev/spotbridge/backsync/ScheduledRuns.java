package dev.spotbridge.backsync;

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
import jakarta.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The timers of the scheduled work: the hourly back-sync (spotbridge.backsync.schedule, default
 * minute 5 of every hour) and the nightly drift reconciliation (spotbridge.reconcile.schedule,
 * default 02:30). Schedules are cron-like "minute hour day-of-month month day-of-week", or "off".
 * Every node has these timers; the run lock lets one node run. A failed run leaves its watermarks,
 * so the next one repeats it; timers only delegate.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class ScheduledRuns {

    private static final Logger LOG = Logger.getLogger(ScheduledRuns.class.getName());

    @Resource TimerService timers;

    @Inject HourlyPulls backsync;

    @Inject ReconcileRun reconcile;

    @Inject
    @ConfigProperty(name = "spotbridge.backsync.schedule", defaultValue = "5 * * * *")
    String backsyncSchedule;

    @Inject
    @ConfigProperty(name = "spotbridge.reconcile.schedule", defaultValue = "30 2 * * *")
    String reconcileSchedule;

    @PostConstruct
    void schedule() {
        create("backsync", backsyncSchedule);
        create("reconcile", reconcileSchedule);
    }

    private void create(String name, String cron) {
        if ("off".equalsIgnoreCase(cron.trim())) {
            LOG.info(() -> name + " timer is off");
            return;
        }
        timers.createCalendarTimer(Schedules.expression(cron), new TimerConfig(name, false));
    }

    /**
     * When the back-sync ("backsync") and the reconciliation ("reconcile") fire next on this node;
     * a job whose schedule is off is absent.
     */
    public Map<String, Instant> nextRuns() {
        return Schedules.nextTimeouts(timers);
    }

    @Timeout
    void fire(Timer timer) {
        String name = String.valueOf(timer.getInfo());
        try {
            // the minute this firing is for: the same on every node, so only one of them runs it
            Instant slot = Instant.now().truncatedTo(ChronoUnit.MINUTES);
            JsonObject result = "reconcile".equals(name) ? reconcile.run(slot) : backsync.run(slot);
            LOG.info(() -> name + " run: " + result);
        } catch (RuntimeException e) {
            RunStopped.log(LOG, name + " run failed; the next run repeats it", e);
        }
    }
}
