package dev.spotbridge.sandbox;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * One entry of the sandboxes' lookup index: a row of a kind ({@code id}) that holds a lookup to the
 * GUID {@code ref}. An entity, not a native MERGE, so that adding one does not make Hibernate check
 * every row of the transaction first (a CreateMultiple of 1 000 rows took a second per hundred that
 * way).
 */
@Entity
@Table(name = "sandbox_ref")
@IdClass(SandboxRef.Key.class)
public class SandboxRef {

    /** Composite key: kind + ref + id. */
    public static class Key implements Serializable {
        private String kind;
        private String ref;
        private String id;

        public Key() {}

        public Key(String kind, String ref, String id) {
            this.kind = kind;
            this.ref = ref;
            this.id = id;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && kind.equals(k.kind)
                    && ref.equals(k.ref)
                    && id.equals(k.id);
        }

        @Override
        public int hashCode() {
            return Objects.hash(kind, ref, id);
        }
    }

    @Id private String kind;

    @Id private String ref;

    @Id private String id;

    protected SandboxRef() {}

    SandboxRef(String kind, String ref, String id) {
        this.kind = kind;
        this.ref = ref;
        this.id = id;
    }
}
