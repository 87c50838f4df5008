package dev.spotbridge.records;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/** One attempt on a record: what was asked, what happened, what changed. */
@Entity
@Table(name = "sync_history")
public class SyncHistoryEntry {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "record_key")
    private String recordKey;

    @Column(name = "happened_at")
    private Instant at;

    private String operation;

    private String outcome;

    private String detail;

    @Column(name = "event_key")
    private String eventKey;

    @Column(name = "mapping_version")
    private Integer mappingVersion;

    /**
     * {property: {before, after}} of a Spotler write, as JSON; only the property names stay when
     * the record is erased ({property: {"erased": true}}), nothing when it is blanked.
     */
    private String changes;

    /** What the entry is in the record's history in D365 (sb_synclog); null: not logged there. */
    @Column(name = "d365_event")
    private String d365Event;

    /** The trace of the change this entry is about (MicroProfile Telemetry), or null. */
    @Column(name = "trace_id")
    private String traceId;

    protected SyncHistoryEntry() {}

    public SyncHistoryEntry(
            String recordKey, String operation, String outcome, String detail, String eventKey) {
        this.recordKey = recordKey;
        this.at = Instant.now();
        this.operation = operation;
        this.outcome = outcome;
        this.detail =
                detail == null ? null : detail.length() > 4000 ? detail.substring(0, 4000) : detail;
        this.eventKey = eventKey;
        this.traceId = dev.spotbridge.tracing.ChangeTraces.traceId(eventKey);
    }

    public String traceId() {
        return traceId;
    }

    /**
     * The record was erased: its values go from the detail, the changes keep only which properties
     * changed.
     */
    public void erase(java.util.function.UnaryOperator<String> scrub, String changedNamesOnly) {
        detail = detail == null ? null : scrub.apply(detail);
        changes = changedNamesOnly;
    }

    public Long id() {
        return id;
    }

    public String recordKey() {
        return recordKey;
    }

    /** The event it is in the record's D365 history; null when it is not one. */
    public SyncEvent event() {
        return d365Event == null ? null : SyncEvent.valueOf(d365Event);
    }

    /** Makes the entry an event of the record's history in D365 (sb_synclog). */
    public SyncHistoryEntry logged(SyncEvent event) {
        this.d365Event = event == null ? null : event.name();
        return this;
    }

    public Instant at() {
        return at;
    }

    public String operation() {
        return operation;
    }

    public String outcome() {
        return outcome;
    }

    public String detail() {
        return detail;
    }

    /** The mapping version that produced this change, or null when no mapping was involved. */
    public Integer mappingVersion() {
        return mappingVersion;
    }

    public String changes() {
        return changes;
    }

    /** Says which mapping produced the change and what it changed (changes may be null). */
    public SyncHistoryEntry mapped(int version, String changes) {
        this.mappingVersion = version;
        this.changes = changes == null || changes.length() > 65535 ? null : changes;
        return this;
    }

    /** {property: {before, after}} for the changed properties; null stands for "not set". */
    public static JsonObject changes(
            Map<String, JsonValue> before, Map<String, JsonValue> after, Set<String> changed) {
        JsonObjectBuilder changes = Json.createObjectBuilder();
        for (String property : changed) {
            changes.add(
                    property,
                    Json.createObjectBuilder()
                            .add("before", before.getOrDefault(property, JsonValue.NULL))
                            .add("after", after.getOrDefault(property, JsonValue.NULL)));
        }
        return changes.build();
    }
}
