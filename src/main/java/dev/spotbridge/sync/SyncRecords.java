package dev.spotbridge.sync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Reads sync state and history for the records API. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SyncRecords {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    public Optional<SyncRecord> find(String entity, String recordId) {
        return Optional.ofNullable(em.find(SyncRecord.class, SyncRecord.key(entity, recordId)));
    }

    public List<SyncHistoryEntry> history(SyncRecord record) {
        return em.createQuery(
                        "select h from SyncHistoryEntry h where h.recordKey = :key order by h.id",
                        SyncHistoryEntry.class)
                .setParameter("key", record.key())
                .getResultList();
    }
}
