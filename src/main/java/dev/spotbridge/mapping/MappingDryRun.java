package dev.spotbridge.mapping;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.json.Json;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a proposed mapping would change in Spotler for chosen records, writing nothing: each
 * record's current D365 values (read from Dataverse) mapped with the proposal, compared with what
 * the Spotler contact holds now (read from Spotler) — the same comparison a sync makes, so a
 * property the proposal maps to nothing is cleared only if Spotbridge wrote it. The other way too:
 * for the rules that map back (from-spotler, both), which D365 columns Spotler's values would
 * change (a value Spotbridge wrote itself never flows back).
 */
@ApplicationScoped
public class MappingDryRun {

    /**
     * One record's answer: changes (property → before/after) and, back to D365, fromSpotler (column
     * → before/after); unchanged; or skipped (why).
     */
    public record RecordDiff(
            String record,
            String outcome,
            String reason,
            JsonObject changes,
            JsonObject fromSpotler) {

        RecordDiff(String record, String outcome, String reason, JsonObject changes) {
            this(record, outcome, reason, changes, null);
        }
    }

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject ActiveMapping active;

    @Inject SyncRecords records;

    /**
     * @param keys records as entity:id; empty means the most recently synced ones, up to max
     */
    public List<RecordDiff> diff(Mapping proposed, List<String> keys, int max) {
        List<SyncRecord> chosen = new ArrayList<>();
        List<RecordDiff> answers = new ArrayList<>();
        if (keys.isEmpty()) {
            chosen.addAll(records.recent(null, max));
        } else {
            for (String key : keys) {
                SyncRecord record = em.find(SyncRecord.class, key);
                if (record == null) {
                    answers.add(new RecordDiff(key, "skipped", "Spotbridge has not seen it", null));
                } else {
                    chosen.add(record);
                }
            }
        }
        for (SyncRecord record : chosen) {
            answers.add(diff(proposed, record));
        }
        return answers;
    }

    private RecordDiff diff(Mapping proposed, SyncRecord record) {
        String why =
                record.deleted() || record.blanked()
                        ? "deleted or inactive in D365 (blank in Spotler)"
                        : record.optedOut()
                                ? "opted out in Spotler; not written"
                                : !record.syncEnabled() ? "sync disabled" : null;
        if (why != null) {
            return new RecordDiff(record.key(), "skipped", why, null);
        }
        if (!proposed.maps(record.entity())) {
            return new RecordDiff(
                    record.key(),
                    "skipped",
                    "the proposed mapping has no " + record.entity() + " table",
                    null);
        }
        Set<String> columns = new LinkedHashSet<>(proposed.selectColumns(record.entity()));
        columns.addAll(active.get().selectColumns(record.entity()));
        Optional<Map<String, JsonValue>> d365 =
                dataverse.record(record.entity(), record.recordId(), columns);
        if (d365.isEmpty()) {
            return new RecordDiff(record.key(), "skipped", "no longer in Dataverse", null);
        }
        Map<String, JsonValue> held =
                spotler.find(record.recordId()).map(SpotlerContact::properties).orElse(Map.of());
        JsonObject back = back(proposed, record, d365.get(), held);
        Map<String, JsonValue> written = record.writtenProperties();
        Map<String, JsonValue> after = new LinkedHashMap<>(held);
        Set<String> changed = new LinkedHashSet<>();
        proposed.apply(record.entity(), d365.get())
                .forEach(
                        (property, value) -> {
                            JsonValue now = held.get(property);
                            if (value.getValueType() == JsonValue.ValueType.NULL) {
                                if (written.containsKey(property) && isSet(now)) {
                                    after.remove(property);
                                    changed.add(property);
                                }
                            } else if (!value.equals(now)) {
                                after.put(property, value);
                                changed.add(property);
                            }
                        });
        return new RecordDiff(
                record.key(),
                changed.isEmpty() && back.isEmpty() ? "unchanged" : "changes",
                null,
                SyncHistoryEntry.changes(held, after, changed),
                back);
    }

    /** D365 columns Spotler's values would change: column → {before, after}. */
    private static JsonObject back(
            Mapping proposed,
            SyncRecord record,
            Map<String, JsonValue> d365,
            Map<String, JsonValue> held) {
        JsonObjectBuilder back = Json.createObjectBuilder();
        Map<String, JsonValue> written = record.writtenProperties();
        for (Mapping.Rule rule : proposed.inbound(record.entity())) {
            JsonValue value = held.get(rule.property());
            if (value == null || value.equals(written.get(rule.property()))) {
                continue;
            }
            JsonValue now = d365.getOrDefault(rule.column(), JsonValue.NULL);
            JsonValue after;
            try {
                after = rule.toD365(value);
            } catch (IllegalArgumentException e) {
                back.add(
                        rule.column(),
                        Json.createObjectBuilder().add("before", now).add("error", e.getMessage()));
                continue;
            }
            if (!after.equals(now)) {
                back.add(
                        rule.column(),
                        Json.createObjectBuilder().add("before", now).add("after", after));
            }
        }
        return back.build();
    }

    private static boolean isSet(JsonValue value) {
        return value != null
                && value.getValueType() != JsonValue.ValueType.NULL
                && !(value instanceof JsonString s && s.getString().isEmpty());
    }
}
