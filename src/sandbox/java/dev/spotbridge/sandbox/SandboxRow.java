package dev.spotbridge.sandbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** One stored object of a sandbox (a Spotler contact, a Dataverse row), as JSON text. */
@Entity
@Table(name = "sandbox_row")
@IdClass(SandboxRow.Key.class)
public class SandboxRow {

    /** Composite key: kind + id. */
    public static class Key implements Serializable {
        private String kind;
        private String id;

        public Key() {}

        public Key(String kind, String id) {
            this.kind = kind;
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && kind.equals(k.kind) && id.equals(k.id);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, id);
        }
    }

    @Id private String kind;

    @Id private String id;

    @Column(name = "body")
    private String body;

    protected SandboxRow() {}

    SandboxRow(String kind, String id, String body) {
        this.kind = kind;
        this.id = id;
        this.body = body;
    }

    String id() {
        return id;
    }

    String body() {
        return body;
    }

    void body(String body) {
        this.body = body;
    }
}
