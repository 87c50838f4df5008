package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drift between D365 and Spotler for one record: the mapped D365 values (D365 is the source of
 * truth for mapped fields) against what Spotler holds. Drift is reported in the record's history;
 * when a repair is allowed, the drifted properties are written back to Spotler.
 */
@ApplicationScoped
@Transactional
public class Reconciler {

    /** What a check found. */
    public enum Finding {
        IN_SYNC,
        DRIFTED,
        REPAIRED,
        SKIPPED
    }

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject ActiveMapping mapping;

    /** Keys of the records that are synced and active: the ones a reconciliation compares. */
    public List<String> candidates(int limit) {
        return em.createQuery(
                        "select r.key from SyncRecord r where r.inSpotler = true and r.blanked = false"
                                + " and r.deleted = false and r.optedOut = false and r.syncEnabled = true"
                                + " and r.entity in ('contact', 'lead', 'account') order by r.key",
                        String.class)
                .setMaxResults(limit)
                .getResultList();
    }

    public Finding check(String recordKey, boolean repair, String run) {
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null) {
            return Finding.SKIPPED;
        }
        Optional<Map<String, JsonValue>> d365 =
                dataverse.record(
                        record.entity(),
                        record.recordId(),
                        mapping.get().selectColumns(record.entity()));
        Optional<SpotlerContact> contact = spotler.find(record.recordId());
        if (d365.isEmpty() || contact.isEmpty()) {
            em.persist(
                    new SyncHistoryEntry(
                            record.key(),
                            "Reconcile",
                            "Skipped",
                            (d365.isEmpty() ? "not in Dataverse" : "not in Spotler")
                                    + " (run "
                                    + run
                                    + ")",
                            null));
            return Finding.SKIPPED;
        }
        Map<String, JsonValue> wanted = mapping.get().apply(record.entity(), d365.get());
        Map<String, JsonValue> repairs = new LinkedHashMap<>();
        List<String> drift = new ArrayList<>();
        wanted.forEach(
                (property, value) -> {
                    JsonValue held = contact.get().properties().get(property);
                    boolean wantNothing = value.getValueType() == JsonValue.ValueType.NULL;
                    boolean holdsNothing =
                            held == null
                                    || held.getValueType() == JsonValue.ValueType.NULL
                                    || (held instanceof JsonString s && s.getString().isEmpty());
                    if (wantNothing
                            ? !holdsNothing
                            : holdsNothing || !text(held).equals(text(value))) {
                        drift.add(
                                property
                                        + ": Spotler "
                                        + (holdsNothing ? "(empty)" : "'" + text(held) + "'")
                                        + ", D365 "
                                        + (wantNothing ? "(empty)" : "'" + text(value) + "'"));
                        repairs.put(property, value);
                    }
                });
        if (drift.isEmpty()) {
            return Finding.IN_SYNC;
        }
        if (!repair) {
            em.persist(
                    new SyncHistoryEntry(
                            record.key(),
                            "Reconcile",
                            "Drift",
                            String.join("; ", drift)
                                    + " (run "
                                    + run
                                    + "; repair limit reached, not repaired)",
                            null));
            return Finding.DRIFTED;
        }
        spotler.upsert(record.recordId(), repairs, Map.of(), false);
        Map<String, JsonValue> written = record.writtenProperties();
        repairs.forEach(
                (property, value) -> {
                    if (value.getValueType() == JsonValue.ValueType.NULL) {
                        written.remove(property);
                    } else {
                        written.put(property, value);
                    }
                });
        record.written(written);
        record.settled(true);
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "Reconcile",
                        "Repaired",
                        String.join("; ", drift)
                                + " (run "
                                + run
                                + "; Spotler set to the D365 values)",
                        null));
        return Finding.REPAIRED;
    }

    private static String text(JsonValue value) {
        return value instanceof JsonString s ? s.getString() : value.toString();
    }
}
