package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The sandboxes' storage: JSON objects by kind and id, in the sandboxes' own database. Queries in
 * id order say "order by kind, id" although kind is fixed: only then does H2 read the (kind, id)
 * key in order instead of sorting every object of the kind for each chunk (100 000 contacts: 3.7 s
 * against a few ms per chunk of 1 000).
 */
@ApplicationScoped
@Transactional
public class SandboxStore {

    @PersistenceContext(unitName = "sandbox")
    EntityManager em;

    /** A lookup's value in stored JSON text: "_x_value":"<guid>". */
    private static final java.util.regex.Pattern LOOKUP =
            java.util.regex.Pattern.compile(
                    "\"_[a-z0-9_]+_value\":\"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\"");

    /** The GUIDs the lookups of an object's text hold. */
    private static java.util.Set<String> lookups(String text) {
        java.util.Set<String> refs = new java.util.HashSet<>();
        if (text == null) {
            return refs;
        }
        java.util.regex.Matcher m = LOOKUP.matcher(text);
        while (m.find()) {
            refs.add(m.group(1));
        }
        return refs;
    }

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
        String text = next.toString();
        java.util.Set<String> refs = lookups(text);
        refs.removeAll(lookups(row == null ? null : row.body()));
        if (row == null) {
            em.persist(new SandboxRow(kind, id, text));
        } else {
            row.body(text);
        }
        changed(kind);
        // the rows' lookup index, as Dataverse keeps one per lookup column: a lookup's GUID → the
        // ids of the rows that hold it (one that no longer does stays listed: readers test again)
        for (String ref : refs) {
            mergeRef(kind, ref, id);
        }
        return next;
    }

    /** How many objects of a kind there are. */
    public long count(String kind) {
        return em.createQuery("select count(r) from SandboxRow r where r.kind = :kind", Long.class)
                .setParameter("kind", kind)
                .getSingleResult();
    }

    /** Every object of a kind, ordered by id. */
    public List<JsonObject> all(String kind) {
        return em
                .createQuery(
                        "select r from SandboxRow r where r.kind = :kind order by r.kind, r.id",
                        SandboxRow.class)
                .setParameter("kind", kind)
                .getResultList()
                .stream()
                .map(r -> parse(r.body()))
                .toList();
    }

    /**
     * Up to {@code limit} objects of a kind that match, in id order, after the id {@code after}
     * (from the start when null); reads the table in chunks, never all of it at once.
     */
    public List<JsonObject> after(
            String kind, String after, Predicate<JsonObject> condition, int limit) {
        return after(kind, after, condition, limit, null);
    }

    /**
     * {@link #after}, reading only objects with a lookup to one of the GUIDs {@code lookups} (null:
     * all), found through the lookup index instead of parsing every object.
     */
    public List<JsonObject> after(
            String kind,
            String after,
            Predicate<JsonObject> condition,
            int limit,
            java.util.Set<String> lookups) {
        if (lookups == null) {
            return scanAfter(kind, after, condition, limit);
        }
        indexed(kind);
        java.util.TreeSet<String> hits = new java.util.TreeSet<>();
        for (String ref : lookups) {
            for (Object id :
                    em.createNativeQuery("SELECT id FROM sandbox_ref WHERE kind = ?1 AND ref = ?2")
                            .setParameter(1, kind)
                            .setParameter(2, ref.toLowerCase(java.util.Locale.ROOT))
                            .getResultList()) {
                hits.add((String) id);
            }
        }
        List<JsonObject> out = new ArrayList<>();
        for (String id : after == null ? hits : hits.tailSet(after, false)) {
            if (out.size() >= limit) {
                break;
            }
            get(kind, id).filter(condition).ifPresent(out::add);
        }
        return out;
    }

    /** Kinds whose lookups are known to be in sandbox_ref (since this deployment started). */
    private final java.util.Set<String> indexedKinds =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A store written before the lookup index existed gets it once per kind, on the first query
     * that needs it; a marker object records that it was done.
     */
    private void indexed(String kind) {
        if (indexedKinds.contains(kind)) {
            return;
        }
        String marker = "lookups:" + kind;
        if (em.find(SandboxRow.class, new SandboxRow.Key(INDEX_MARKERS, marker)) == null) {
            scan(
                    kind,
                    (id, text) -> {
                        for (String ref : lookups(text)) {
                            mergeRef(kind, ref, id);
                        }
                    });
            em.persist(new SandboxRow(INDEX_MARKERS, marker, "{}"));
        }
        indexedKinds.add(kind);
    }

    private static final String INDEX_MARKERS = "sandbox.index";

    private void mergeRef(String kind, String ref, String id) {
        if (em.find(SandboxRef.class, new SandboxRef.Key(kind, ref, id)) == null) {
            em.persist(new SandboxRef(kind, ref, id));
        }
    }

    private List<JsonObject> scanAfter(
            String kind, String after, Predicate<JsonObject> condition, int limit) {
        List<JsonObject> out = new ArrayList<>();
        String from = after == null ? "" : after;
        while (out.size() < limit) {
            List<SandboxRow> chunk =
                    em.createQuery(
                                    "select r from SandboxRow r where r.kind = :kind and r.id > :from"
                                            + " order by r.kind, r.id",
                                    SandboxRow.class)
                            .setParameter("kind", kind)
                            .setParameter("from", from)
                            .setMaxResults(1000)
                            .getResultList();
            for (SandboxRow row : chunk) {
                JsonObject object = parse(row.body());
                if (condition.test(object) && out.size() < limit) {
                    out.add(object);
                }
            }
            if (chunk.size() < 1000) {
                break;
            }
            from = chunk.get(chunk.size() - 1).id();
            chunk.forEach(em::detach);
        }
        return out;
    }

    /**
     * Visits every object of a kind in id order, as stored JSON text, reading the table in chunks
     * of 1000 and keeping none of them (scans of large sandboxes; {@link #field} reads a top-level
     * value without parsing the whole object).
     */
    public void scan(String kind, BiConsumer<String, String> visit) {
        // one streamed query of (id, text) pairs: no entities, nothing parsed (keyset chunks cost
        // a query each, which at 100 000 objects took longer than a client waits)
        try (Stream<Object[]> rows =
                em.createQuery(
                                "select r.id, r.body from SandboxRow r where r.kind = :kind"
                                        + " order by r.kind, r.id",
                                Object[].class)
                        .setParameter("kind", kind)
                        .setHint("org.hibernate.fetchSize", 1000)
                        .getResultStream()) {
            rows.forEach(r -> visit.accept((String) r[0], (String) r[1]));
        }
    }

    /**
     * The objects of a kind with these ids, in the order of the ids (missing ones left out): one
     * key lookup each (H2 does not use the (kind, id) key for "kind = ? and id in (…)": 10 000 ids
     * took 9 s that way against 0.3 s by key).
     */
    public List<JsonObject> getAll(String kind, List<String> ids) {
        List<JsonObject> found = new ArrayList<>(ids.size());
        for (String id : ids) {
            SandboxRow row = em.find(SandboxRow.class, new SandboxRow.Key(kind, id));
            if (row != null) {
                found.add(parse(row.body()));
                em.detach(row);
            }
        }
        return found;
    }

    public boolean delete(String kind, String id) {
        SandboxRow row = em.find(SandboxRow.class, new SandboxRow.Key(kind, id));
        if (row == null) {
            return false;
        }
        em.remove(row);
        changed(kind);
        return true;
    }

    /** Per kind, a count of its writes: a copy read at one count is current while it holds. */
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicLong> writes =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Per kind, the objects {@link #allCached} last read and the count they were read at. */
    private final java.util.Map<String, Cached> cached =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Cached(long at, List<JsonObject> objects) {}

    @jakarta.annotation.Resource jakarta.transaction.TransactionSynchronizationRegistry transaction;

    /**
     * A write of the kind: counted now, and again when its transaction ends (once per kind and
     * transaction), so a copy read while the write was not committed yet is not taken for current
     * after it commits.
     */
    private void changed(String kind) {
        writes.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicLong())
                .incrementAndGet();
        @SuppressWarnings("unchecked")
        java.util.Set<String> kinds = (java.util.Set<String>) transaction.getResource(WRITTEN);
        if (kinds == null) {
            java.util.Set<String> written = new java.util.HashSet<>();
            transaction.putResource(WRITTEN, written);
            transaction.registerInterposedSynchronization(
                    new jakarta.transaction.Synchronization() {
                        @Override
                        public void beforeCompletion() {}

                        @Override
                        public void afterCompletion(int status) {
                            written.forEach(k -> writes.get(k).incrementAndGet());
                        }
                    });
            kinds = written;
        }
        kinds.add(kind);
    }

    private static final String WRITTEN = SandboxStore.class.getName() + ".written";

    /**
     * {@link #all}, from a copy while no write of the kind happened since it was read: for the few
     * objects read for every change (the plug-in steps a Dataverse write raises), which parsed anew
     * each time took a twelfth of the benchmark's CPU.
     */
    public List<JsonObject> allCached(String kind) {
        long at =
                writes.computeIfAbsent(kind, k -> new java.util.concurrent.atomic.AtomicLong())
                        .get();
        Cached copy = cached.get(kind);
        if (copy != null && copy.at() == at) {
            return copy.objects();
        }
        List<JsonObject> objects = all(kind);
        cached.put(kind, new Cached(at, objects));
        return objects;
    }

    /**
     * A top-level number or string of stored JSON text (compact, as this store writes it), without
     * quotes; null when absent.
     */
    public static String field(String json, String name) {
        String key = "\"" + name + "\":";
        int at = json.indexOf(key);
        if (at < 0) {
            return null;
        }
        int from = at + key.length();
        if (json.charAt(from) == '"') {
            return json.substring(from + 1, json.indexOf('"', from + 1));
        }
        int to = from;
        while (to < json.length() && ",}]".indexOf(json.charAt(to)) < 0) {
            to++;
        }
        return json.substring(from, to);
    }

    private static JsonObject parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }
}
