package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The sandboxes' storage: JSON objects by kind and id, in the application database. */
@ApplicationScoped
@Transactional
public class SandboxStore {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    public Optional<JsonObject> get(String kind, String id) {
        SandboxRow row = em.find(SandboxRow.class, new SandboxRow.Key(kind, id));
        return row == null ? Optional.empty() : Optional.of(parse(row.body()));
    }

    /**
     * Reads, changes and writes one object under a row lock; the function gets null when the object
     * is new.
     */
    public JsonObject update(String kind, String id, UnaryOperator<JsonObject> change) {
        SandboxRow row =
                em.find(
                        SandboxRow.class,
                        new SandboxRow.Key(kind, id),
                        LockModeType.PESSIMISTIC_WRITE);
        JsonObject next = change.apply(row == null ? null : parse(row.body()));
        if (row == null) {
            em.persist(new SandboxRow(kind, id, next.toString()));
        } else {
            row.body(next.toString());
        }
        return next;
    }

    /** Every object of a kind, ordered by id. */
    public java.util.List<JsonObject> all(String kind) {
        return em
                .createQuery(
                        "select r from SandboxRow r where r.kind = :kind order by r.id",
                        SandboxRow.class)
                .setParameter("kind", kind)
                .getResultList()
                .stream()
                .map(r -> parse(r.body()))
                .toList();
    }

    public boolean delete(String kind, String id) {
        SandboxRow row = em.find(SandboxRow.class, new SandboxRow.Key(kind, id));
        if (row == null) {
            return false;
        }
        em.remove(row);
        return true;
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
