package dev.spotbridge.consent;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A D365 sb_permission row as Spotbridge last saw it: which record, which Spotler bit, subscribed
 * or not. The mirror lets a Delete (which carries only the row id) and a record's first sync find
 * the bits.
 */
@Entity
@Table(name = "permission_row")
public class PermissionRow {

    @Id
    @Column(name = "row_id")
    private String rowId;

    @Column(name = "record_key")
    private String recordKey;

    private Long bit;

    private String name;

    private boolean subscribed;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected PermissionRow() {}

    PermissionRow(String rowId) {
        this.rowId = rowId;
    }

    void set(String recordKey, Long bit, String name, boolean subscribed) {
        this.recordKey = recordKey;
        this.bit = bit;
        this.name = name;
        this.subscribed = subscribed;
        this.updatedAt = Instant.now();
    }

    String rowId() {
        return rowId;
    }

    public String recordKey() {
        return recordKey;
    }

    Long bit() {
        return bit;
    }

    String name() {
        return name;
    }

    boolean subscribed() {
        return subscribed;
    }
}
