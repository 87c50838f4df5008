package dev.spotbridge.privacy;

import dev.spotbridge.backsync.LockedRun;
import dev.spotbridge.backsync.RunLocks;
import dev.spotbridge.json.Json;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;

/**
 * The daily retention run (spotbridge.retention.schedule, default 03:15; also POST
 * /api/retention/run): rows older than their setting are deleted, oldest first, a thousand per
 * transaction, and dead letters older than spotbridge.retention.dead-letter-days are discarded with
 * a line in their record's history. One run at a time across nodes (run lock). Settings, in days:
 *
 * <ul>
 *   <li>history-days (400): sync_history, consent_change;
 *   <li>processed-event-days (30): processed_event, the idempotency ledger;
 *   <li>interaction-days (90): interaction, bounce_task;
 *   <li>scheduled-run-days (30): scheduled_run, and run (finished runs);
 *   <li>dead-letter-days (30): dead letters, pull_failure;
 *   <li>metric-days (7): metric_minute, the overview's per-minute figures.
 * </ul>
 *
 * 0 keeps a kind for ever.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class Retention {

    private static final Logger LOG = Logger.getLogger(Retention.class.getName());

    static final String LOCK = "retention";

    /** Defaults of the settings, in days. */
    static final Map<String, Integer> DEFAULTS =
            Map.of(
                    "history-days", 400,
                    "processed-event-days", 30,
                    "interaction-days", 90,
                    "scheduled-run-days", 30,
                    "dead-letter-days", 30,
                    "metric-days", 7);

    @Inject RunLocks locks;

    @Inject Runs runs;

    @Inject RetentionPrune prune;

    @Inject DeadLetterExpiry deadLetters;

    @Inject Config config;

    /** Days a kind is kept (spotbridge.retention.&lt;setting&gt;); 0: for ever. */
    int days(String setting) {
        int days =
                config.getOptionalValue("spotbridge.retention." + setting, Integer.class)
                        .orElse(DEFAULTS.get(setting));
        if (days < 0) {
            throw new IllegalArgumentException(
                    "spotbridge.retention." + setting + " must be 0 (keep) or more days: " + days);
        }
        return days;
    }

    /**
     * @param slot the minute a schedule fired for (claimed once over all nodes), or null for a run
     *     started by hand
     */
    @Lock(LockType.READ)
    public JsonObject run(Instant slot) {
        return LockedRun.run(
                new LockedRun.Job(locks, runs, LOCK, Runs.RETENTION, "retention run"),
                slot,
                this::prune);
    }

    private JsonObject prune(RunTracker run) {
        Instant started = Instant.now();
        JsonObjectBuilder pruned = Json.createObjectBuilder();
        long total = 0;
        for (RetentionPrune.Table table : RetentionPrune.TABLES) {
            int days = days(table.setting());
            if (days == 0) {
                continue;
            }
            Instant before = started.minus(Duration.ofDays(days));
            run.phase(table.name() + " older than " + days + " day(s)");
            long n = 0;
            int batch;
            do {
                batch = prune.batch(table, before);
                n += batch;
                run.add(batch, 0);
            } while (batch >= RetentionPrune.BATCH);
            pruned.add(table.name(), n);
            total += n;
        }
        int letterDays = days("dead-letter-days");
        run.phase("dead letters older than " + letterDays + " day(s)");
        int expired =
                letterDays == 0
                        ? 0
                        : deadLetters.expire(
                                started.minus(Duration.ofDays(letterDays)), letterDays);
        JsonObject result =
                Json.createObjectBuilder()
                        .add("ran", true)
                        .add("rowsDeleted", total)
                        .add("tables", pruned)
                        .add("deadLettersExpired", expired)
                        .build();
        LOG.info(() -> "retention run: " + result);
        return result;
    }
}
