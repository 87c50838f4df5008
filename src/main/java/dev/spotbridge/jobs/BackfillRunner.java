package dev.spotbridge.jobs;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.runs.Run;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs a backfill page after page on an EJB asynchronous thread, each page its own transaction,
 * reporting on its run (GET /api/runs/{id}): Dataverse's estimate of the rows as its total, the
 * records read as done, the table and page as its phase. A pause asked for on the run stops it
 * between two pages. A page that fails is tried again after spotbridge.backfill.retry-seconds (10),
 * twice that and four times that (the gateways have already retried and may have opened their
 * circuit); then the backfill is Failed with the reason, logged as an error, and waits to be
 * resumed.
 */
@Stateless
public class BackfillRunner {

    private static final Logger LOG = Logger.getLogger(BackfillRunner.class.getName());

    @Inject Backfills backfills;

    @Inject Runs runs;

    @Inject DataverseGateway dataverse;

    @Inject
    @ConfigProperty(name = "spotbridge.backfill.retry-seconds", defaultValue = "10")
    long retrySeconds;

    @Asynchronous
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void run(long id) {
        Backfill started = backfills.find(id).orElseThrow();
        RunTracker tracker = runs.tracker(started.runId());
        estimate(started, tracker);
        int failures = 0;
        while (true) {
            if (tracker.pauseRequested()) {
                backfills.paused(id);
                Backfill at = backfills.find(id).orElseThrow();
                tracker.paused("paused at " + at.entity() + " after " + at.pages() + " page(s)");
                LOG.info(() -> "backfill " + id + " paused: " + at.json());
                return;
            }
            try {
                boolean more = backfills.next(id);
                failures = 0;
                Backfill now = backfills.find(id).orElseThrow();
                tracker.set(now.recordsRead(), 0);
                if (!more) {
                    if (Backfill.SUCCEEDED.equals(now.state())) {
                        tracker.end(Run.SUCCEEDED, now.summary());
                    }
                    LOG.info(() -> "backfill " + id + " ended: " + now.json());
                    return;
                }
                tracker.phase(now.entity() + ": page " + (now.pages() + 1));
            } catch (RuntimeException e) {
                failures++;
                if (failures > 3) {
                    // it waits for a person to resume it
                    LOG.severe(
                            "backfill "
                                    + id
                                    + " failed after 4 tries of its page; resume it (POST"
                                    + " /api/backfills/"
                                    + id
                                    + "/resume) once the cause is fixed: "
                                    + Redelivery.describe(e));
                    backfills.failed(id, e);
                    tracker.failed(
                            backfills
                                    .find(id)
                                    .map(b -> b.json().getString("detail", ""))
                                    .orElse(""));
                    return;
                }
                long wait = Math.max(1, retrySeconds) << (failures - 1);
                LOG.warning(
                        "backfill "
                                + id
                                + ": a page failed, tried again in "
                                + wait
                                + " s: "
                                + Redelivery.describe(e));
                try {
                    Thread.sleep(wait * 1000L);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * Dataverse's estimate of the rows as the run's total (all rows, active or not: the end sets
     * the count). Without it the run shows no total, and the backfill goes on.
     */
    private void estimate(Backfill backfill, RunTracker tracker) {
        try {
            tracker.total(dataverse.estimatedRows(backfill.entities()), true);
        } catch (RuntimeException e) {
            tracker.phase("no estimate of the total (" + Redelivery.describe(e) + ")");
        }
    }
}
