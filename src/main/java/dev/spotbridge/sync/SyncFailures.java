package dev.spotbridge.sync;

import dev.spotbridge.consent.PermissionRow;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.SbPermission;
import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records a failed attempt in its own transaction, because the attempt's transaction is about to
 * roll back. On the last delivery the broker allows (spotbridge.sync.max-delivery-attempts, as set
 * in server-config/messaging.cli) the record becomes Failed, with the reason; before that it stays
 * Processing. Either way D365 is told through the write-back.
 */
@ApplicationScoped
public class SyncFailures {

    private static final Logger LOG = Logger.getLogger(SyncFailures.class.getName());

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject WritebackQueue writeback;

    @Inject DataverseGateway dataverse;

    @Inject SyncMetrics metrics;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-delivery-attempts", defaultValue = "8")
    int maxDeliveryAttempts;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void attemptFailed(ChangeEvent event, int delivery, Throwable failure) {
        boolean last = delivery >= maxDeliveryAttempts;
        if (last) {
            metrics.deadLettered("attempts_exhausted");
        }
        String reason = Redelivery.describe(failure);
        String key = recordKey(event);
        if (key == null) {
            // no record to write the attempt to: the caller's log line is all there is
            return;
        }
        String operation =
                event.operation() == ChangeEvent.Operation.PERMISSION
                        ? SbPermission.TABLE + " " + event.message()
                        : event.message();
        String detail =
                "attempt "
                        + delivery
                        + " of "
                        + maxDeliveryAttempts
                        + " failed: "
                        + reason
                        + (last
                                ? "; moved to the dead-letter queue"
                                : "; redelivered after back-off");
        em.persist(
                new SyncHistoryEntry(
                                key, operation, last ? "Failed" : "Retrying", detail, event.key())
                        .logged(last ? SyncEvent.FAILED : null));
        if (last && event.operation() == ChangeEvent.Operation.JOB) {
            jobEnded(event.recordId(), delivery, reason);
        }
        if (!key.startsWith("contact:")
                && !key.startsWith("lead:")
                && !key.startsWith("account:")) {
            // list and job work: the history line is all; there is no record state
            return;
        }
        SyncRecord record = em.find(SyncRecord.class, key);
        if (record == null) {
            String[] parts = key.split(":", 2);
            record = new SyncRecord(parts[0], parts[1]);
            em.persist(record);
        }
        record.failed(reason, last);
        writeback.request(record);
    }

    /**
     * A change met an outage (Spotler or Dataverse down) and waits on the queue: one history line,
     * in the caller's transaction; no attempt is counted and the record's status stays as it is.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void held(ChangeEvent event, Throwable outage, long retryMillis) {
        String key = recordKey(event);
        if (key == null) {
            return;
        }
        if (em.find(SyncRecord.class, key) == null && key.contains(":")) {
            // a record seen for the first time: it shows (Processing) with its history
            String[] parts = key.split(":", 2);
            em.persist(new SyncRecord(parts[0], parts[1]));
        }
        em.persist(
                new SyncHistoryEntry(
                        key,
                        event.message(),
                        "Retrying",
                        Redelivery.describe(outage)
                                + "; the change waits on the queue and is tried again every "
                                + (retryMillis % 1000 == 0
                                        ? retryMillis / 1000 + " s"
                                        : retryMillis + " ms")
                                + " while the outage lasts (not counted as an attempt)",
                        event.key()));
    }

    /**
     * A job whose last attempt failed ends Failed, never Running for ever: sb_result says why and
     * that a replay of its dead letter resumes it (a campaign job where it stopped). When Dataverse
     * itself is what fails, the status cannot be written: the dead letter and this history are then
     * what tells, and the failure is logged.
     */
    private void jobEnded(String jobId, int delivery, String reason) {
        try {
            dataverse.syncJobStatus(
                    jobId,
                    SyncJobRow.Status.FAILED,
                    "stopped after "
                            + delivery
                            + " attempts: "
                            + reason
                            + "\nThe job is in Spotbridge's dead-letter queue; replaying it"
                            + " (admin page, Dead letters) resumes it where it stopped.");
        } catch (RuntimeException e) {
            LOG.warning(
                    () ->
                            "job "
                                    + jobId
                                    + " is dead-lettered but its Failed status could not be"
                                    + " written to Dataverse: "
                                    + Redelivery.describe(e));
        }
    }

    /** The record an event belongs to; for a permission row, the record that row belongs to. */
    private String recordKey(ChangeEvent event) {
        if (event.operation() != ChangeEvent.Operation.PERMISSION) {
            return SyncRecord.key(event.entity(), event.recordId());
        }
        Optional<SbPermission.Owner> owner =
                SbPermission.of(event.recordId(), event.attributes()).owner();
        if (owner.isPresent()) {
            return SyncRecord.key(owner.get().entity(), owner.get().id());
        }
        PermissionRow row = em.find(PermissionRow.class, event.recordId());
        return row == null ? null : row.recordKey();
    }
}
