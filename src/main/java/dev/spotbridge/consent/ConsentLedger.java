package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * Records every consent change (permission bit, bulk-email flag, Spotler opt-out) in the ledger and
 * in the record's history, in the transaction of the change itself.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class ConsentLedger {

    /** Kinds of consent. */
    static final String PERMISSION = "permission";

    static final String BULK_EMAIL = "bulk-email";
    static final String SPOTLER_OPT_OUT = "spotler-opt-out";

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    public void record(
            SyncRecord record,
            Source source,
            String kind,
            String subject,
            String before,
            String after,
            String eventKey) {
        ConsentChange change =
                new ConsentChange(record.key(), source, kind, subject, before, after);
        em.persist(change);
        em.persist(
                new SyncHistoryEntry(
                        record.key(), "Consent", "Recorded", change.describe(), eventKey));
    }
}
