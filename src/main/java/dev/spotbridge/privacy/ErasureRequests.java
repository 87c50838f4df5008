package dev.spotbridge.privacy;

import dev.spotbridge.json.Json;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * A GDPR erasure of a person who stays in D365 (POST /api/records/{entity}/{id}/erase): the Spotler
 * contact is anonymized (PUT /contact/anonymize/{id}), every personal value of the record leaves
 * Spotbridge's tables and dead letters ({@link Erasure}), and the record is no longer synced: its
 * later changes in D365 are skipped, each with a history line, until someone asks for a resync. All
 * in one transaction with the record locked, so a change of the record being processed meanwhile
 * either finished before or sees the record erased. When Spotler cannot be reached nothing is
 * erased and the request can be repeated; a repeated erasure does no harm.
 */
@ApplicationScoped
public class ErasureRequests {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SpotlerGateway spotler;

    @Inject Erasure erasure;

    /**
     * @param by who asked (the admin's name), for the history
     * @return what was done
     */
    @Transactional
    public JsonObject erase(String entity, String recordId, String by) {
        String key = SyncRecord.key(entity, recordId);
        SyncRecord record = em.find(SyncRecord.class, key, LockModeType.PESSIMISTIC_WRITE);
        if (record == null) {
            // unknown so far: the row remembers the erasure, so a later change is not synced
            record = new SyncRecord(entity, recordId);
            em.persist(record);
        }
        boolean anonymized = spotler.anonymize(recordId);
        Erasure.Erased erased = erasure.erase(record, List.of(), true);
        String detail =
                "erased on request"
                        + (by == null ? "" : " by " + by)
                        + ": "
                        + (anonymized
                                ? "Spotler contact anonymized (PUT /contact/anonymize)"
                                : "Spotler has no such contact")
                        + "; personal values erased from Spotbridge: "
                        + erased.describe()
                        + "; its changes are no longer synced until a resync";
        em.persist(new SyncHistoryEntry(key, "Erasure", "Succeeded", detail, null));
        return Json.createObjectBuilder()
                .add("entity", entity)
                .add("id", recordId)
                .add("spotler", anonymized ? "anonymized" : "not found")
                .add("erased", erased.json())
                .add("erasedAt", record.erasedAt().toString())
                .add("message", detail)
                .build();
    }
}
