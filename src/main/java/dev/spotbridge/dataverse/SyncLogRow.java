package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.records.SyncEvent;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One event of a record's Spotler sync history in D365: a new sb_synclog row with a lookup to the
 * record, created in the write-back's $batch.
 */
public record SyncLogRow(
        String entity, String recordId, SyncEvent event, Instant at, String detail) {

    public static final String TABLE = "sb_synclog";

    /** The longest sb_name (summary) and sb_detail the solution defines. */
    private static final int MAX_NAME = 400;

    private static final int MAX_DETAIL = 10000;

    /** The option value of the sb_syncevent choice in the Spotbridge solution. */
    public static int optionValue(SyncEvent event) {
        return 100000000 + event.ordinal();
    }

    /** Synced, Failed, OptedOut, ConsentChanged: the option's label. */
    public static String label(SyncEvent event) {
        StringBuilder label = new StringBuilder();
        for (String word : event.name().split("_")) {
            label.append(word.charAt(0)).append(word.substring(1).toLowerCase());
        }
        return label.toString();
    }

    public BatchOperation operation() {
        String text = detail == null ? "" : detail;
        String summary = label(event) + (text.isEmpty() ? "" : ": " + text);
        return BatchOperation.create(
                "sb_synclogs",
                Json.createObjectBuilder()
                        .add("sb_name", clip(summary, MAX_NAME))
                        .add("sb_event", optionValue(event))
                        .add("sb_detail", clip(text, MAX_DETAIL))
                        .add("sb_occurredon", at.truncatedTo(ChronoUnit.SECONDS).toString())
                        .add(
                                "sb_" + entity + "id@odata.bind",
                                "/" + DataverseGateway.entitySet(entity) + "(" + recordId + ")")
                        .build());
    }

    private static String clip(String text, int max) {
        return text.length() > max ? text.substring(0, max - 1) + "…" : text;
    }
}
