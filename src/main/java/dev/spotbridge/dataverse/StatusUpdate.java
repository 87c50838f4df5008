package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What Spotbridge writes back to a D365 record: its sync status (sb_syncstatus, an option value),
 * when Spotler was last written (sb_lastsyncedon), why the last sync failed (sb_lastsyncerror,
 * cleared after a success) and donotbulkemail after a Spotler opt-out — each only when it changed,
 * as one PATCH (If-Match: *) of a $batch.
 *
 * @param syncStatus the option value, or null when unchanged
 * @param lastSyncedOn null when unchanged
 * @param doNotBulkEmail true: set donotbulkemail (a Spotler opt-out); false: leave it
 * @param writesError whether sb_lastsyncerror changed
 * @param lastSyncError its new value (null clears it)
 */
public record StatusUpdate(
        String entity,
        String recordId,
        Integer syncStatus,
        Instant lastSyncedOn,
        boolean doNotBulkEmail,
        boolean writesError,
        String lastSyncError) {

    /** The longest sb_lastsyncerror the solution defines. */
    public static final int MAX_ERROR = 2000;

    public boolean isEmpty() {
        return syncStatus == null && lastSyncedOn == null && !doNotBulkEmail && !writesError;
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
        if (writesError) {
            if (lastSyncError == null) {
                patch.addNull("sb_lastsyncerror");
            } else {
                patch.add(
                        "sb_lastsyncerror",
                        lastSyncError.length() > MAX_ERROR
                                ? lastSyncError.substring(0, MAX_ERROR - 1) + "…"
                                : lastSyncError);
            }
        }
        return patch.build();
    }
}
