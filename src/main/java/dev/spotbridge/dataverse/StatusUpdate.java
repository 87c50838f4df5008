package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What Spotbridge writes back to a D365 record: its sync status (sb_syncstatus, an option value),
 * when Spotler was last written (sb_lastsyncedon), and donotbulkemail after a Spotler opt-out —
 * each only when it changed, as one PATCH (If-Match: *) of a $batch.
 *
 * @param syncStatus the option value, or null when unchanged
 * @param lastSyncedOn null when unchanged
 * @param doNotBulkEmail true: set donotbulkemail (a Spotler opt-out); false: leave it
 */
public record StatusUpdate(
        String entity,
        String recordId,
        Integer syncStatus,
        Instant lastSyncedOn,
        boolean doNotBulkEmail) {

    public boolean isEmpty() {
        return syncStatus == null && lastSyncedOn == null && !doNotBulkEmail;
    }

    /** The columns it writes, by name: "donotbulkemail, sb_syncstatus". */
    public String columnNames() {
        return String.join(", ", columns().keySet());
    }

    public BatchOperation operation() {
        return BatchOperation.update(DataverseGateway.entitySet(entity), recordId, columns());
    }

    private JsonObject columns() {
        JsonObjectBuilder patch = Json.createObjectBuilder();
        if (doNotBulkEmail) {
            patch.add("donotbulkemail", true);
        }
        if (syncStatus != null) {
            patch.add("sb_syncstatus", syncStatus);
        }
        if (lastSyncedOn != null) {
            patch.add("sb_lastsyncedon", lastSyncedOn.truncatedTo(ChronoUnit.SECONDS).toString());
        }
        return patch.build();
    }
}
