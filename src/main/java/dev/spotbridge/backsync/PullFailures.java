package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.DataverseThrottledException;
import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.spotler.SpotlerThrottledException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * Items of a pull that could not be applied. Such an item is recorded — a pull_failure row (GET
 * /api/backsync/failures), an entry in its record's history that also reaches D365, the metric
 * spotbridge_pull_item_failures_total{feed} and a count in the run's outcome — and skipped, so one
 * item never stalls its pull: the watermark still advances and the other pulls still run.
 *
 * <p>What is not an item's failure stops the run instead (nothing skipped, the next run repeats the
 * window): Spotler or Dataverse unavailable or throttled, an open circuit, and credentials or
 * permissions refused (401/403), which would fail every item alike.
 */
@ApplicationScoped
public class PullFailures {

    private static final Logger LOG = Logger.getLogger(PullFailures.class.getName());

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SyncRecords records;

    @Inject WritebackQueue writeback;

    @Inject SyncMetrics metrics;

    /**
     * Returns when the failure is the item's own (to be recorded and skipped); rethrows it when it
     * is the run's.
     */
    static void rethrowIfOfTheRun(RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SpotlerUnavailableException
                    || t instanceof SpotlerThrottledException
                    || t instanceof DataverseUnavailableException
                    || t instanceof DataverseThrottledException
                    || t instanceof CircuitBreakerOpenException
                    || t instanceof TimeoutException
                    || (t instanceof SpotlerRejectedException r
                            && (r.status() == 401 || r.status() == 403))
                    || (t instanceof DataverseRejectedException d
                            && (d.status() == 401 || d.status() == 403))) {
                throw failure;
            }
        }
    }

    /**
     * Records one item that was skipped, in a transaction of its own (the item's rolled back).
     * Windows overlap, so an item may be met again by later runs: it is recorded the first time.
     *
     * @param feed the pull's feed (its watermark's name)
     * @param externalId the contact the item is about, or "" when unknown
     * @param reason why it could not be applied
     * @param item the item as Spotler gave it, or a description of it
     * @return false when the item had been recorded before
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean record(String feed, String externalId, String reason, String item) {
        String itemKey = sha256(feed + "\n" + item);
        if (!em.createQuery(
                        "select f.id from PullFailure f where f.feed = :feed and f.itemKey = :key",
                        Long.class)
                .setParameter("feed", feed)
                .setParameter("key", itemKey)
                .getResultList()
                .isEmpty()) {
            return false;
        }
        metrics.pullItemFailed(feed);
        String id = externalId == null ? null : DataverseValues.guid(externalId);
        List<SyncRecord> about = id == null ? List.of() : records.withIds(List.of(id));
        em.persist(
                new PullFailure(
                        feed,
                        itemKey,
                        externalId == null || externalId.isEmpty() ? null : externalId,
                        about.isEmpty() ? null : about.get(0).key(),
                        reason,
                        item));
        String detail =
                "an item of Spotler's feed "
                        + feed
                        + " could not be applied and was skipped: "
                        + reason;
        for (SyncRecord record : about) {
            em.persist(
                    new SyncHistoryEntry(record.key(), "BackSync", "Failed", detail, null)
                            .logged(SyncEvent.FAILED));
            writeback.request(record);
        }
        LOG.warning(() -> "back-sync " + feed + ": skipped an item: " + reason);
        return true;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The most recent skipped items, newest first. */
    public List<PullFailure> recent(int max) {
        return em.createQuery("select f from PullFailure f order by f.id desc", PullFailure.class)
                .setMaxResults(max)
                .getResultList();
    }
}
