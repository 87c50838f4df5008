package dev.spotbridge.records;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads sync state and history for the records API. */
@ApplicationScoped
@Transactional(Transactional.TxType.SUPPORTS)
public class SyncRecords {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /** The sync state of a record, created on first sight, in the caller's transaction. */
    @Transactional(Transactional.TxType.MANDATORY)
    public SyncRecord open(String entity, String recordId) {
        SyncRecord record = em.find(SyncRecord.class, SyncRecord.key(entity, recordId));
        if (record == null) {
            record = new SyncRecord(entity, recordId);
            em.persist(record);
        }
        return record;
    }

    /**
     * The sync states of these records of one table that exist, by key, read in a few queries (500
     * ids each) instead of one per record; those not in the map are new.
     */
    public Map<String, SyncRecord> load(String entity, Collection<String> recordIds) {
        Map<String, SyncRecord> found = new HashMap<>();
        List<String> keys = recordIds.stream().map(id -> SyncRecord.key(entity, id)).toList();
        for (int from = 0; from < keys.size(); from += 500) {
            em.createQuery("select r from SyncRecord r where r.key in :keys", SyncRecord.class)
                    .setParameter("keys", keys.subList(from, Math.min(keys.size(), from + 500)))
                    .getResultList()
                    .forEach(r -> found.put(r.key(), r));
        }
        return found;
    }

    public Optional<SyncRecord> find(String entity, String recordId) {
        return Optional.ofNullable(em.find(SyncRecord.class, SyncRecord.key(entity, recordId)));
    }

    /** The key (entity:id) of the record a Spotler externalId belongs to. */
    public Optional<String> keyOfExternalId(String externalId) {
        String id = dev.spotbridge.dataverse.DataverseValues.guid(externalId);
        if (id == null) {
            return Optional.empty();
        }
        return em.createQuery("select r from SyncRecord r where r.recordId = :id", SyncRecord.class)
                .setParameter("id", id)
                .getResultStream()
                .map(SyncRecord::key)
                .findFirst();
    }

    /** The history of any subject: "list:<id>", "sb_syncjob:<id>" or a record key. */
    public List<SyncHistoryEntry> historyOf(String subject) {
        return em.createQuery(
                        "select h from SyncHistoryEntry h where h.recordKey = :key order by h.id",
                        SyncHistoryEntry.class)
                .setParameter("key", subject)
                .getResultList();
    }

    public List<SyncHistoryEntry> history(SyncRecord record) {
        return em.createQuery(
                        "select h from SyncHistoryEntry h where h.recordKey = :key order by h.id",
                        SyncHistoryEntry.class)
                .setParameter("key", record.key())
                .getResultList();
    }

    /** The records with one of these ids (any entity). */
    public List<SyncRecord> withIds(Collection<String> recordIds) {
        if (recordIds.isEmpty()) {
            return List.of();
        }
        return em.createQuery(
                        "select r from SyncRecord r where r.recordId in :ids order by r.entity, r.recordId",
                        SyncRecord.class)
                .setParameter("ids", recordIds)
                .getResultList();
    }

    /**
     * The records (contact, lead, account) whose history has an entry with this outcome in [from,
     * to), optionally of one entity; at most max, oldest first.
     */
    public List<String> withOutcomeBetween(
            String outcome, Instant from, Instant to, String entity, int max) {
        String prefixes =
                entity == null
                        ? "(h.recordKey like 'contact:%' or h.recordKey like 'lead:%'"
                                + " or h.recordKey like 'account:%')"
                        : "h.recordKey like :prefix";
        var query =
                em.createQuery(
                        "select h.recordKey from SyncHistoryEntry h where h.outcome = :outcome"
                                + " and h.at >= :from and h.at < :to and "
                                + prefixes
                                + " group by h.recordKey order by min(h.at)",
                        String.class);
        if (entity != null) {
            query.setParameter("prefix", entity + ":%");
        }
        return query.setParameter("outcome", outcome)
                .setParameter("from", from)
                .setParameter("to", to)
                .setMaxResults(max)
                .getResultList();
    }

    /** The most recently changed records, optionally only those of one status. */
    public List<SyncRecord> recent(SyncStatus status, int max) {
        if (status == null) {
            return em.createQuery(
                            "select r from SyncRecord r order by r.updatedAt desc",
                            SyncRecord.class)
                    .setMaxResults(max)
                    .getResultList();
        }
        return em.createQuery(
                        "select r from SyncRecord r where r.status = :status order by r.updatedAt desc",
                        SyncRecord.class)
                .setParameter("status", status)
                .setMaxResults(max)
                .getResultList();
    }

    /** How many records have each status (every status listed, zero included). */
    public Map<SyncStatus, Long> countsByStatus() {
        Map<SyncStatus, Long> counts = new EnumMap<>(SyncStatus.class);
        for (SyncStatus status : SyncStatus.values()) {
            counts.put(status, 0L);
        }
        for (Object[] row :
                em.createQuery(
                                "select r.status, count(r) from SyncRecord r group by r.status",
                                Object[].class)
                        .getResultList()) {
            counts.put((SyncStatus) row[0], (Long) row[1]);
        }
        return counts;
    }
}
