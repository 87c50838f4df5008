package dev.spotbridge.queue;

import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One D365 change as it travels on the sync queue: small JSON text, no Java serialisation.
 *
 * @param key idempotency key: the same webhook delivered twice has the same key
 * @param operation what to do with the Spotler contact
 * @param version modifiedon of the data, else the operation's time; an older event never overwrites
 *     a newer one
 * @param state statecode when known (0 active, other inactive)
 * @param attributes normalised D365 columns
 * @param complete true when attributes hold the whole record (Create Target or a registered post
 *     image)
 */
public record ChangeEvent(
        String key,
        String entity,
        String recordId,
        String message,
        Operation operation,
        Instant version,
        Integer state,
        Map<String, JsonValue> attributes,
        boolean complete,
        String correlationId,
        String operationId) {

    /** The same change carrying only these columns. */
    public ChangeEvent withAttributes(Map<String, JsonValue> only) {
        return new ChangeEvent(
                key,
                entity,
                recordId,
                message,
                operation,
                version,
                state,
                only,
                complete,
                correlationId,
                operationId);
    }

    /**
     * A full sync of a record asked for by a person (the admin API, a SyncContacts job).
     *
     * @param origin where it comes from, the start of its key ("resync", "job-resync")
     */
    public static ChangeEvent resync(String origin, String entity, String recordId) {
        return new ChangeEvent(
                origin + "|" + java.util.UUID.randomUUID(),
                entity,
                recordId,
                "Resync",
                Operation.RESYNC,
                Instant.now(),
                null,
                Map.of(),
                false,
                null,
                null);
    }

    /** What an event asks of Spotler. */
    public enum Operation {
        /**
         * create or update the contact from the record's data (a statecode other than 0 blanks it)
         */
        UPSERT,
        /** the record changed state without data (SetState): 0 restores, anything else blanks */
        SET_STATE,
        /** the record is gone: blank the contact and never bring it back */
        DELETE,
        /** an sb_permission row changed: one permission bit of its record on or off */
        PERMISSION,
        /** an admin asked for a full sync (after re-activation in Spotler) */
        RESYNC,
        /** push a marketing list to its Spotler audience ("Sync to Spotler") */
        LIST_SYNC,
        /** a marketing list changed, was deactivated or deleted */
        LIST_CHANGE,
        /** members added to or removed from a marketing list */
        LIST_MEMBERS,
        /** an sb_syncjob was created: sync a list or contacts, start or stop a campaign */
        JOB
    }

    /**
     * Work that is not a record change (a marketing list's sync or change, an sb_syncjob): it goes
     * on the jobs queue, so that a long job never holds up record changes, which are drained in
     * batches.
     */
    public boolean isWork() {
        return switch (operation) {
            case LIST_SYNC, LIST_CHANGE, LIST_MEMBERS, JOB -> true;
            default -> false;
        };
    }

    /** JMS priority of the changes that overtake a backlog of profile updates. */
    public static final int PRIORITY_CONSENT = 9;

    /** JMS priority of everything else (the JMS default). */
    public static final int PRIORITY_NORMAL = 4;

    /**
     * The string properties its message carries on every queue (the message group, the record and
     * the event's key, which the admin API's dead-letter view and replay read).
     */
    public Map<String, String> messageProperties() {
        return Map.of(
                "JMSXGroupID", group(), "entity", entity, "recordId", recordId, "eventKey", key());
    }

    /**
     * The message group: every event of one record (or one permission row: its Create, Updates and
     * Delete) is consumed in order, one after another.
     */
    public String group() {
        return entity + ":" + recordId;
    }

    /**
     * The priority lane: what takes consent away or blanks personal data — a delete, a state
     * change, a permission row, an update that deactivates the record or whose record opts out of
     * bulk email — overtakes profile updates waiting on the queue. Order within a record still
     * holds where it matters: an older update that arrives after its record's delete or opt-out is
     * skipped or written without consent, by version and state.
     */
    public int priority() {
        return switch (operation) {
            case DELETE, SET_STATE, PERMISSION -> PRIORITY_CONSENT;
            case UPSERT ->
                    (state != null && state != 0)
                                    || Boolean.TRUE.equals(
                                            new RecordRow(attributes).doNotBulkEmail())
                            ? PRIORITY_CONSENT
                            : PRIORITY_NORMAL;
            default -> PRIORITY_NORMAL;
        };
    }

    public String toJson() {
        JsonObjectBuilder attrs = Json.createObjectBuilder();
        attributes.forEach(attrs::add);
        JsonObjectBuilder json =
                Json.createObjectBuilder()
                        .add("key", key)
                        .add("entity", entity)
                        .add("recordId", recordId)
                        .add("message", message)
                        .add("operation", operation.name())
                        .add("complete", complete)
                        .add("attributes", attrs);
        if (version != null) {
            json.add("version", version.toString());
        }
        if (state != null) {
            json.add("state", state);
        }
        if (correlationId != null) {
            json.add("correlationId", correlationId);
        }
        if (operationId != null) {
            json.add("operationId", operationId);
        }
        return json.build().toString();
    }

    public static ChangeEvent fromJson(String text) {
        JsonObject json;
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            json = reader.readObject();
        }
        Map<String, JsonValue> attributes = new LinkedHashMap<>();
        json.getJsonObject("attributes").forEach(attributes::put);
        return new ChangeEvent(
                json.getString("key"),
                json.getString("entity"),
                json.getString("recordId"),
                json.getString("message"),
                Operation.valueOf(json.getString("operation")),
                json.containsKey("version") ? Instant.parse(json.getString("version")) : null,
                json.containsKey("state") ? json.getInt("state") : null,
                attributes,
                json.getBoolean("complete"),
                json.getString("correlationId", null),
                json.getString("operationId", null));
    }
}
