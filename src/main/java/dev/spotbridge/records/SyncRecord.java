package dev.spotbridge.records;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.io.StringReader;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** What Spotbridge knows of one D365 record and its Spotler contact. */
@Entity
@Table(name = "sync_record")
public class SyncRecord {

    @Id
    @Column(name = "record_key")
    private String key;

    private String entity;

    @Column(name = "record_id")
    private String recordId;

    @Enumerated(EnumType.STRING)
    private SyncStatus status;

    @Column(name = "last_synced_at")
    private Instant lastSyncedAt;

    @Column(name = "last_error")
    private String lastError;

    /** modifiedon (or operation time) of the newest change applied; older events are ignored. */
    @Column(name = "applied_version")
    private Instant appliedVersion;

    /**
     * The mapped properties Spotler holds from our last write, as JSON: the no-op check compares
     * against it.
     */
    @Column(name = "written_properties")
    private String writtenProperties;

    @Column(name = "in_spotler")
    private boolean inSpotler;

    private boolean blanked;

    /** Tombstone: deleted in D365, never brought back. */
    private boolean deleted;

    /**
     * Permission bits as they were before blanking, restored on reactivation (JSON object bit →
     * enabled).
     */
    @Column(name = "saved_permissions")
    private String savedPermissions;

    @Column(name = "updated_at")
    private Instant updatedAt;

    /** sb_syncenabled: false stops every write for this record (status Disabled). */
    @Column(name = "sync_enabled")
    private boolean syncEnabled = true;

    /** Unsubscribed in Spotler: nothing is written until a resync after re-activation there. */
    @Column(name = "opted_out")
    private boolean optedOut;

    /** donotbulkemail as last seen: true keeps every permission bit off. */
    @Column(name = "bulk_email_opt_out")
    private boolean bulkEmailOptOut;

    /** Permission bits as our last writes left them in Spotler (JSON object bit → enabled). */
    @Column(name = "written_permissions")
    private String writtenPermissions;

    /** When Spotbridge last read the contact's status from Spotler. */
    @Column(name = "spotler_read_at")
    private Instant spotlerReadAt;

    /** SOFT or HARD while the contact is bounced in Spotler; null while it is active. */
    @Column(name = "bounce_state")
    private String bounceState;

    /** When the record was erased on request (GDPR); null while it is synced as usual. */
    @Column(name = "erased_at")
    private Instant erasedAt;

    /**
     * The newest complete change of this record that any node has queued (coalescing over nodes;
     * written by the node that queued it).
     */
    @Column(name = "queued_version")
    private Instant queuedVersion;

    @Version
    @Column(name = "row_version")
    private long rowVersion;

    protected SyncRecord() {}

    public SyncRecord(String entity, String recordId) {
        this.key = key(entity, recordId);
        this.entity = entity;
        this.recordId = recordId;
        this.status = SyncStatus.Processing;
        this.updatedAt = Instant.now();
    }

    public static String key(String entity, String recordId) {
        return entity + ":" + recordId;
    }

    public String key() {
        return key;
    }

    public String entity() {
        return entity;
    }

    public String recordId() {
        return recordId;
    }

    public SyncStatus status() {
        return status;
    }

    /**
     * How current Spotbridge's knowledge of the contact's Spotler state is: its last write (which
     * Spotler answers CONTACT_OPTOUT when opted out) or its last read of the status; EPOCH when
     * never.
     */
    public Instant spotlerStateAt() {
        Instant at = lastSyncedAt == null ? Instant.EPOCH : lastSyncedAt;
        return spotlerReadAt != null && spotlerReadAt.isAfter(at) ? spotlerReadAt : at;
    }

    /** The contact's status was just read from Spotler. */
    public void spotlerRead() {
        spotlerReadAt = Instant.now();
    }

    public Instant lastSyncedAt() {
        return lastSyncedAt;
    }

    public String lastError() {
        return lastError;
    }

    public Instant appliedVersion() {
        return appliedVersion;
    }

    public boolean inSpotler() {
        return inSpotler;
    }

    public boolean blanked() {
        return blanked;
    }

    public boolean deleted() {
        return deleted;
    }

    /**
     * Nothing has happened to the record yet: never applied, written, failed or deleted (it shows
     * only because its first change is waiting, an outage say).
     */
    public boolean untouched() {
        return appliedVersion == null
                && lastSyncedAt == null
                && lastError == null
                && !inSpotler
                && !deleted
                && !blanked;
    }

    /**
     * The attempt reached its end: the status follows the record's switches (Disabled, OptOut, else
     * Succeeded); the last-synced time moves only when Spotler was written, so a no-op (such as the
     * echo of our own write-back) changes nothing that would be written back again.
     */
    public void settled(boolean wroteSpotler) {
        status =
                !syncEnabled
                        ? SyncStatus.Disabled
                        : optedOut ? SyncStatus.OptOut : SyncStatus.Succeeded;
        lastError = null;
        updatedAt = Instant.now();
        if (wroteSpotler) {
            lastSyncedAt = updatedAt;
        }
    }

    public boolean syncEnabled() {
        return syncEnabled;
    }

    public void syncEnabled(boolean enabled) {
        syncEnabled = enabled;
    }

    public boolean optedOut() {
        return optedOut;
    }

    public void optedOut(boolean value) {
        optedOut = value;
        if (value) {
            status = SyncStatus.OptOut;
            updatedAt = Instant.now();
        }
    }

    /** SOFT or HARD while the contact is bounced in Spotler; empty while it is active. */
    public java.util.Optional<String> bounceState() {
        return java.util.Optional.ofNullable(bounceState);
    }

    /**
     * @param state SOFT or HARD; null: active again (reactivated in Spotler)
     */
    public void bounceState(String state) {
        bounceState = state;
    }

    public boolean bulkEmailOptOut() {
        return bulkEmailOptOut;
    }

    public void bulkEmailOptOut(boolean value) {
        bulkEmailOptOut = value;
    }

    public Map<Long, Boolean> writtenPermissions() {
        Map<Long, Boolean> bits = new LinkedHashMap<>();
        readObject(writtenPermissions)
                .forEach((bit, on) -> bits.put(Long.parseLong(bit), on == JsonValue.TRUE));
        return bits;
    }

    public void permissionsWritten(Map<Long, Boolean> bits) {
        Map<Long, Boolean> all = writtenPermissions();
        all.putAll(bits);
        JsonObjectBuilder json = Json.createObjectBuilder();
        all.forEach((bit, on) -> json.add(String.valueOf(bit), on));
        writtenPermissions = json.build().toString();
    }

    public void failed(String error, boolean final_) {
        status = final_ ? SyncStatus.Failed : SyncStatus.Processing;
        lastError = error == null ? null : error.length() > 2000 ? error.substring(0, 2000) : error;
        updatedAt = Instant.now();
    }

    public void applied(Instant version) {
        if (version != null && (appliedVersion == null || version.isAfter(appliedVersion))) {
            appliedVersion = version;
        }
    }

    public void written(Map<String, JsonValue> properties) {
        if (bounceState != null) {
            JsonValue after = properties.get("email");
            if (after != null && !after.equals(writtenProperties().get("email"))) {
                // a new address: the contact is active again in Spotler
                bounceState = null;
            }
        }
        JsonObjectBuilder json = Json.createObjectBuilder();
        properties.forEach(
                (k, v) -> {
                    if (v.getValueType() != JsonValue.ValueType.NULL) {
                        json.add(k, v);
                    }
                });
        writtenProperties = json.build().toString();
        inSpotler = true;
    }

    public Map<String, JsonValue> writtenProperties() {
        return readObject(writtenProperties);
    }

    public void blanked(Map<Long, Boolean> permissionsBefore) {
        if (!blanked && permissionsBefore != null) {
            JsonObjectBuilder json = Json.createObjectBuilder();
            permissionsBefore.forEach((bit, on) -> json.add(String.valueOf(bit), on));
            savedPermissions = json.build().toString();
        }
        blanked = true;
        writtenProperties = "{}";
        writtenPermissions = "{}";
    }

    public void restored() {
        blanked = false;
    }

    /** Deleted in D365 and there again (restored from the recycle bin): synced like any record. */
    public void revived() {
        deleted = false;
        // the Delete's version says nothing about the record that is back (Dataverse keeps
        // modifiedon in whole seconds, and a restore may keep the old one)
        appliedVersion = null;
        updatedAt = Instant.now();
    }

    public void tombstone() {
        deleted = true;
    }

    /** Erased on request: its changes are not synced until someone asks for a resync. */
    public boolean erased() {
        return erasedAt != null;
    }

    public Instant queuedVersion() {
        return queuedVersion;
    }

    public Instant erasedAt() {
        return erasedAt;
    }

    /**
     * The record's personal values go: what was written to Spotler (only the fact that it was
     * stays), and its last error with the given values taken out.
     *
     * @param onRequest an erasure asked for while the record stays in D365: it is no longer synced
     */
    public void erase(java.util.function.UnaryOperator<String> scrub, boolean onRequest) {
        writtenProperties = "{}";
        lastError = lastError == null ? null : scrub.apply(lastError);
        if (onRequest) {
            erasedAt = Instant.now();
        }
        updatedAt = Instant.now();
    }

    /** Synced again after an erasure (a resync someone asked for). */
    public void unerased() {
        erasedAt = null;
    }

    public Map<Long, Boolean> savedPermissions() {
        Map<Long, Boolean> bits = new LinkedHashMap<>();
        readObject(savedPermissions)
                .forEach((bit, on) -> bits.put(Long.parseLong(bit), on == JsonValue.TRUE));
        return bits;
    }

    private static Map<String, JsonValue> readObject(String text) {
        Map<String, JsonValue> map = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return map;
        }
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            JsonObject object = reader.readObject();
            map.putAll(object);
        }
        return map;
    }
}
