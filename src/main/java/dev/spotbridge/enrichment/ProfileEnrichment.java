package dev.spotbridge.enrichment;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.json.Json;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.mapping.Mapping;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spotler's values of the mapping's inbound rules (direction from-spotler or both) into the D365
 * record, one contact at a time, in the caller's transaction or one of its own:
 *
 * <ul>
 *   <li>a value equal to what Spotbridge last wrote to Spotler is its own (the echo of a D365
 *       change): nothing flows back;
 *   <li>the newest change wins: a value Spotler changed (Contact.lastChanged) no later than the
 *       D365 change Spotbridge applied last stays in Spotler — a D365 change is never overwritten
 *       by an older Spotler value;
 *   <li>otherwise the D365 column is written (one PATCH for the contact's columns), and the value
 *       counts as written to Spotler, so the Update Dataverse raises for that PATCH writes nothing
 *       back to Spotler.
 * </ul>
 *
 * Each run is a line in the record's history (Enrichment), also in D365.
 */
@ApplicationScoped
@Transactional
public class ProfileEnrichment {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SyncRecords records;

    @Inject ActiveMapping mapping;

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject WritebackQueue writeback;

    /**
     * What flowed back, or why not.
     *
     * @param written D365 column → the value written
     * @param kept Spotler property → why its value did not flow back
     */
    public record Result(Map<String, JsonValue> written, Map<String, String> kept) {

        public JsonObject json() {
            JsonObjectBuilder w = Json.createObjectBuilder();
            written.forEach(w::add);
            JsonObjectBuilder k = Json.createObjectBuilder();
            kept.forEach(k::add);
            return Json.createObjectBuilder().add("written", w).add("kept", k).build();
        }
    }

    private static final Result NOTHING = new Result(Map.of(), Map.of());

    /**
     * A contact the hourly pull found changed in Spotler.
     *
     * @throws IllegalArgumentException when a value cannot be written to its column (the item's
     *     failure)
     */
    public Result changed(SpotlerContact contact) {
        String id = DataverseValues.guid(contact.externalId());
        if (id == null) {
            return NOTHING;
        }
        List<SyncRecord> found = records.withIds(List.of(id));
        if (found.isEmpty()) {
            return NOTHING;
        }
        return apply(
                found.get(0), contact, "the hourly pull of Spotler's changed contacts", List.of());
    }

    /**
     * On demand (POST /api/records/{entity}/{id}/enrich): the contact and its form submissions read
     * from Spotler now.
     *
     * @return empty when Spotbridge does not sync the record
     */
    public Optional<Result> now(String entity, String recordId) {
        Optional<SyncRecord> record = records.find(entity, recordId);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        Optional<SpotlerContact> contact = spotler.find(recordId);
        if (contact.isEmpty()) {
            return Optional.of(new Result(Map.of(), Map.of("*", "Spotler has no such contact")));
        }
        return Optional.of(
                apply(
                        record.get(),
                        contact.get(),
                        "an enrichment on demand",
                        spotler.forms(recordId)));
    }

    private Result apply(
            SyncRecord record,
            SpotlerContact contact,
            String found,
            List<SpotlerGateway.FormSubmission> forms) {
        if (record.deleted() || record.blanked() || !record.syncEnabled()) {
            return NOTHING;
        }
        List<Mapping.Rule> rules = mapping.get().inbound(record.entity());
        if (rules.isEmpty()) {
            return NOTHING;
        }
        Map<String, JsonValue> written = record.writtenProperties();
        Map<String, JsonValue> columns = new LinkedHashMap<>();
        Map<String, JsonValue> nowWritten = new LinkedHashMap<>(written);
        Map<String, String> kept = new LinkedHashMap<>();
        Instant changed = contact.lastChanged();
        Instant applied = record.appliedVersion();
        for (Mapping.Rule rule : rules) {
            JsonValue value = contact.properties().get(rule.property());
            if (value == null || value.equals(written.get(rule.property()))) {
                continue;
            }
            if (changed != null && applied != null && !changed.isAfter(applied)) {
                kept.put(
                        rule.property(),
                        "Spotler's value ("
                                + changed.truncatedTo(ChronoUnit.SECONDS)
                                + ") is not newer than the D365 change applied ("
                                + applied.truncatedTo(ChronoUnit.SECONDS)
                                + ")");
                continue;
            }
            columns.put(rule.column(), rule.toD365(value));
            nowWritten.put(rule.property(), value);
        }
        if (columns.isEmpty()) {
            return new Result(Map.of(), kept);
        }
        if (!dataverse.updateRecord(record.entity(), record.recordId(), columns)) {
            kept.put("*", "the record is no longer in Dataverse");
            return new Result(Map.of(), kept);
        }
        // the values are what Spotler holds: the Update Dataverse raises for this write maps to
        // them and writes nothing back
        record.written(nowWritten);
        List<String> lines = new ArrayList<>();
        columns.forEach((column, value) -> lines.add(column + " = " + value));
        String detail =
                "from Spotler, found by "
                        + found
                        + (changed == null
                                ? ""
                                : " (changed in Spotler "
                                        + changed.truncatedTo(ChronoUnit.SECONDS)
                                        + ")")
                        + ": "
                        + String.join(", ", lines)
                        + (forms.isEmpty()
                                ? ""
                                : "; last form submitted: "
                                        + forms.get(0).form()
                                        + (forms.get(0).submitted() == null
                                                ? ""
                                                : " at "
                                                        + forms.get(0)
                                                                .submitted()
                                                                .truncatedTo(ChronoUnit.SECONDS)));
        em.persist(
                new SyncHistoryEntry(record.key(), "Enrichment", "Succeeded", detail, null)
                        .logged(SyncEvent.ENRICHED));
        writeback.request(record);
        return new Result(columns, kept);
    }
}
