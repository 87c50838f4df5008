package dev.spotbridge.jobs;

import jakarta.ejb.Asynchronous;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs a backfill page after page on an EJB asynchronous thread, each page its own transaction. A
 * page that fails is tried again after 10, 20 and 40 s (the gateways have already retried and may
 * have opened their circuit); then the backfill is Failed with the reason, and resumable.
 */
@Stateless
public class BackfillRunner {

    private static final Logger LOG = Logger.getLogger(BackfillRunner.class.getName());

    @Inject Backfills backfills;

    @Asynchronous
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public void run(long id) {
        int failures = 0;
        while (true) {
            try {
                if (!backfills.next(id)) {
                    LOG.info(
                            () ->
                                    "backfill "
                                            + id
                                            + " ended: "
                                            + backfills
                                                    .find(id)
                                                    .map(b -> b.json().toString())
                                                    .orElse(""));
                    return;
                }
                failures = 0;
            } catch (RuntimeException e) {
                failures++;
                if (failures > 3) {
                    LOG.log(Level.WARNING, "backfill " + id + " failed: " + e, e);
                    backfills.failed(id, e);
                    return;
                }
                LOG.warning("backfill " + id + ": a page failed (" + e + "); trying it again");
                try {
                    Thread.sleep(5_000L << failures);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }
}
