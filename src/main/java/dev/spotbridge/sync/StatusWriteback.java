package dev.spotbridge.sync;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Brings the D365 record's sb_syncstatus, sb_lastsyncedon and (after a Spotler opt-out)
 * donotbulkemail up to date with a PATCH (If-Match: *), writing only what differs from the last
 * write-back. The echo of that PATCH reaches Spotbridge as an Update whose mapped values did not
 * change: no Spotler write, no status change, so no further write-back — the loop ends after one
 * echo.
 */
@ApplicationScoped
@Transactional
public class StatusWriteback {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    /**
     * Option values of the sb_syncstatus choice, as the solution defines them
     * (docs/dataverse-solution.md).
     */
    @Inject
    @ConfigProperty(
            name = "spotbridge.d365.status-values",
            defaultValue =
                    "Succeeded=100000000,Processing=100000001,Failed=100000002,OptOut=100000003,Disabled=100000004")
    String statusValues;

    public void apply(String recordKey) {
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null) {
            return;
        }
        WritebackState state = em.find(WritebackState.class, recordKey);
        if (state == null) {
            state = new WritebackState(recordKey);
            em.persist(state);
        }
        JsonObjectBuilder patch = Json.createObjectBuilder();
        boolean changes = false;
        if (record.optedOut() && !state.optOutWritten()) {
            patch.add("donotbulkemail", true);
            changes = true;
        }
        String status = record.status().name();
        if (!status.equals(state.status())) {
            patch.add("sb_syncstatus", optionValue(status));
            changes = true;
        }
        if (record.lastSyncedAt() != null
                && !Objects.equals(record.lastSyncedAt(), state.syncedAt())) {
            patch.add(
                    "sb_lastsyncedon",
                    record.lastSyncedAt().truncatedTo(ChronoUnit.SECONDS).toString());
            changes = true;
        }
        if (!changes) {
            return;
        }
        JsonObject columns = patch.build();
        boolean exists = dataverse.update(record.entity(), record.recordId(), columns);
        state.written(status, record.lastSyncedAt(), record.optedOut());
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "WriteBack",
                        exists ? "Succeeded" : "Skipped",
                        exists
                                ? "D365 record updated: " + String.join(", ", columns.keySet())
                                : "the record is no longer in Dataverse; nothing written back",
                        null));
    }

    private int optionValue(String status) {
        Map<String, Integer> values =
                Arrays.stream(statusValues.split(","))
                        .map(String::trim)
                        .map(pair -> pair.split("="))
                        .collect(
                                Collectors.toMap(
                                        p -> p[0].trim(), p -> Integer.parseInt(p[1].trim())));
        Integer value = values.get(status);
        if (value == null) {
            throw new IllegalStateException(
                    "spotbridge.d365.status-values has no value for "
                            + status
                            + ": "
                            + statusValues);
        }
        return value;
    }
}
