package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;

/**
 * Records every consent change (permission bit, bulk-email flag, Spotler opt-out) in the ledger and
 * in the record's history, in the transaction of the change itself; the history entry is an event
 * of the record's history in D365 (sb_synclog), written by the write-back.
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

    /** Brings the change to the record's history in D365. */
    @Inject WritebackQueue writeback;

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
                                record.key(), "Consent", "Recorded", change.describe(), eventKey)
                        .logged(
                                SPOTLER_OPT_OUT.equals(kind) && "opted out".equals(after)
                                        ? SyncEvent.OPTED_OUT
                                        : SyncEvent.CONSENT_CHANGED));
        writeback.request(record);
    }
}
