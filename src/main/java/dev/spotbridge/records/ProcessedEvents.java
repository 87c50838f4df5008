package dev.spotbridge.records;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * The idempotency ledger for handlers outside this package; written in the transaction of the
 * effect.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ProcessedEvents {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    public boolean seen(String eventKey) {
        return em.find(ProcessedEvent.class, eventKey) != null;
    }

    public void remember(String eventKey) {
        em.persist(new ProcessedEvent(eventKey));
    }

    /** A line in the history of a subject ("list:<id>", "sb_syncjob:<id>" or a record key). */
    public void history(
            String subject, String operation, String outcome, String detail, String eventKey) {
        em.persist(new SyncHistoryEntry(subject, operation, outcome, detail, eventKey));
    }
}
