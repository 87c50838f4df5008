package dev.spotbridge.privacy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * One batch of the retention's work, each in a transaction of its own, so that no prune holds a
 * lock for long: the oldest rows of one table older than a cut-off, at most {@link #BATCH} of them.
 */
@ApplicationScoped
public class RetentionPrune {

    /** Rows deleted per transaction. */
    static final int BATCH = 1000;

    /** A table the retention prunes: the time column its age is read from, and its setting. */
    public record Table(String name, String time, String setting) {}

    /** Every table with rows that age out, and the setting that says after how many days. */
    public static final List<Table> TABLES =
            List.of(
                    new Table("sync_history", "happened_at", "history-days"),
                    new Table("consent_change", "happened_at", "history-days"),
                    new Table("processed_event", "processed_at", "processed-event-days"),
                    new Table("interaction", "happened_at", "interaction-days"),
                    new Table("bounce_task", "created_at", "interaction-days"),
                    new Table("scheduled_run", "claimed_at", "scheduled-run-days"),
                    new Table("run", "finished_at", "scheduled-run-days"),
                    new Table("pull_failure", "failed_at", "dead-letter-days"),
                    new Table("metric_minute", "at_minute", "metric-days"));

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /**
     * Deletes up to {@link #BATCH} of the table's rows older than the cut-off, oldest first.
     *
     * @return how many were deleted (fewer than the batch: none older is left; a few more when rows
     *     share the time of the batch's last)
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int batch(Table table, Instant before) {
        // names from the list above, never from a request. The oldest rows up to the batch's
        // newest time (rows of the same time as the last of the batch go with it)
        String sql =
                "DELETE FROM "
                        + table.name()
                        + " WHERE "
                        + table.time()
                        + " < ?1 AND "
                        + table.time()
                        + " <= (SELECT MAX(oldest."
                        + table.time()
                        + ") FROM (SELECT "
                        + table.time()
                        + " FROM "
                        + table.name()
                        + " WHERE "
                        + table.time()
                        + " < ?1 ORDER BY "
                        + table.time()
                        + " FETCH FIRST "
                        + BATCH
                        + " ROWS ONLY) oldest)";
        return em.createNativeQuery(sql).setParameter(1, before).executeUpdate();
    }
}
