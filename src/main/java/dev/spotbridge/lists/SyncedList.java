package dev.spotbridge.lists;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A D365 marketing list that has a Spotler audience (externalId = listid). */
@Entity
@Table(name = "synced_list")
public class SyncedList {

    @Id
    @Column(name = "list_id")
    private String listId;

    private String name;

    @Column(name = "member_entity")
    private String memberEntity;

    /**
     * false after Delete or deactivation removed the audience: member events are ignored until the
     * next sync.
     */
    private boolean active;

    @Column(name = "last_synced_at")
    private Instant lastSyncedAt;

    /** null: the list's audience; "templist": a temporary list (an edition without audiences). */
    @Column(name = "spotler_target")
    private String spotlerTarget;

    @Column(name = "updated_at")
    private Instant updatedAt;

    protected SyncedList() {}

    SyncedList(String listId) {
        this.listId = listId;
        this.updatedAt = Instant.now();
    }

    String listId() {
        return listId;
    }

    String name() {
        return name;
    }

    String memberEntity() {
        return memberEntity;
    }

    boolean active() {
        return active;
    }

    Instant lastSyncedAt() {
        return lastSyncedAt;
    }

    /** Whether the members are in a temporary list (the edition has no audiences). */
    boolean temporary() {
        return TEMPORARY.equals(spotlerTarget);
    }

    static final String TEMPORARY = "templist";

    void synced(String name, String memberEntity, boolean temporary) {
        this.spotlerTarget = temporary ? TEMPORARY : null;
        this.name = name;
        this.memberEntity = memberEntity;
        this.active = true;
        this.lastSyncedAt = Instant.now();
        this.updatedAt = lastSyncedAt;
    }

    void removed() {
        this.active = false;
        this.updatedAt = Instant.now();
    }
}
