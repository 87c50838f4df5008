package dev.spotbridge.lists;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * A member Spotbridge put into a list's audience. Spotler cannot list an audience's members, so
 * this is how a sync knows whom to remove.
 */
@Entity
@Table(name = "list_member")
@IdClass(ListMember.Key.class)
public class ListMember {

    /** Composite key: list + record. */
    public static class Key implements Serializable {
        private String listId;
        private String recordKey;

        public Key() {}

        Key(String listId, String recordKey) {
            this.listId = listId;
            this.recordKey = recordKey;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && listId.equals(k.listId) && recordKey.equals(k.recordKey);
        }

        @Override
        public int hashCode() {
            return Objects.hash(listId, recordKey);
        }
    }

    @Id
    @Column(name = "list_id")
    private String listId;

    @Id
    @Column(name = "record_key")
    private String recordKey;

    protected ListMember() {}

    ListMember(String listId, String recordKey) {
        this.listId = listId;
        this.recordKey = recordKey;
    }

    String recordKey() {
        return recordKey;
    }
}
