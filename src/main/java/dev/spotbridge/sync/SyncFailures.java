package dev.spotbridge.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Records a failed attempt in its own transaction, because the attempt's transaction is about to
 * roll back. On the last delivery the broker allows (spotbridge.sync.max-delivery-attempts, as set
 * in server-config/messaging.cli) the record becomes Failed, with the reason; before that it stays
 * Processing.
 */
@ApplicationScoped
public class SyncFailures {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-delivery-attempts", defaultValue = "8")
    int maxDeliveryAttempts;

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void attemptFailed(ChangeEvent event, int delivery, Throwable failure) {
        SyncRecord record =
                em.find(SyncRecord.class, SyncRecord.key(event.entity(), event.recordId()));
        if (record == null) {
            record = new SyncRecord(event.entity(), event.recordId());
            em.persist(record);
        }
        boolean last = delivery >= maxDeliveryAttempts;
        String reason = describe(failure);
        record.failed(reason, last);
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        event.message(),
                        last ? "Failed" : "Retrying",
                        "attempt "
                                + delivery
                                + " of "
                                + maxDeliveryAttempts
                                + " failed: "
                                + reason
                                + (last
                                        ? "; moved to the dead-letter queue"
                                        : "; redelivered after back-off"),
                        event.key()));
    }

    static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null
                && t.getCause() != t
                && (t.getMessage() == null
                        || t instanceof jakarta.ejb.EJBException
                        || t.getClass().getName().startsWith("jakarta.transaction"))) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
