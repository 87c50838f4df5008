package dev.spotbridge.writeback;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An sb_permission row Spotbridge keeps in D365 that is still to be written there: a new one (a
 * record's first sync gives it one row per permission of the Spotler account) or a changed one (a
 * permission changed in Spotler). The write-back writes it with the record and forgets it.
 */
@Entity
@Table(name = "permission_row_write")
public class PermissionRowWrite {

    @Id
    @Column(name = "row_id")
    private String rowId;

    @Column(name = "record_key")
    private String recordKey;

    private long bit;

    private String name;

    private boolean subscribed;

    /** Not in D365 yet: created, not updated. */
    @Column(name = "is_new")
    private boolean isNew;

    @Column(name = "requested_at")
    private Instant requestedAt;

    protected PermissionRowWrite() {}

    PermissionRowWrite(String rowId, String recordKey, boolean isNew) {
        this.rowId = rowId;
        this.recordKey = recordKey;
        this.isNew = isNew;
    }

    void set(long bit, String name, boolean subscribed) {
        this.bit = bit;
        this.name = name;
        this.subscribed = subscribed;
        this.requestedAt = Instant.now();
    }

    String rowId() {
        return rowId;
    }

    String recordKey() {
        return recordKey;
    }

    long bit() {
        return bit;
    }

    String name() {
        return name;
    }

    boolean subscribed() {
        return subscribed;
    }

    boolean isNew() {
        return isNew;
    }
}
