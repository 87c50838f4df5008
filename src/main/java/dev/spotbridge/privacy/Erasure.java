package dev.spotbridge.privacy;

import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Takes every personal value of one record out of Spotbridge's tables and dead letters, in the
 * transaction of the change or request that erases it (a D365 Delete, a GDPR erasure). What proves
 * what happened stays: ids, times, outcomes, which fields changed. In detail:
 *
 * <ul>
 *   <li>sync_record: the values last written to Spotler go; its last error loses the record's
 *       values;
 *   <li>sync_history: each line's changes keep their property names, not their values
 *       ({"email":{"erased":true}}); its detail text loses the record's values;
 *   <li>writeback_state: its last error loses the record's values;
 *   <li>pull_failure: the record's failed back-sync items (raw Spotler items) are deleted;
 *   <li>dead letters of the record (its changes and status write-backs, which carry D365 columns)
 *       are taken off the dead-letter queue.
 * </ul>
 *
 * The record's values are those Spotbridge holds anywhere: written to Spotler, carried by its dead
 * letters, in its failed back-sync items, and any the caller knows (the change that erases it).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Erasure {

    /** What replaces a value in a text. */
    static final String ERASED = "[erased]";

    /** Values shorter than this are not looked for in texts: "NL" or "1" would be everywhere. */
    static final int SHORTEST_VALUE = 3;

    /** What was erased of one record. */
    public record Erased(int historyLines, int deadLetters, int pullFailures) {
        public String describe() {
            return historyLines
                    + " history line(s), "
                    + deadLetters
                    + " dead letter(s), "
                    + pullFailures
                    + " failed back-sync item(s)";
        }

        public JsonObject json() {
            return Json.createObjectBuilder()
                    .add("historyLines", historyLines)
                    .add("deadLetters", deadLetters)
                    .add("pullFailures", pullFailures)
                    .build();
        }
    }

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject JMSContext context;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    /**
     * @param known values the caller holds that may be the record's (the erasing change's columns)
     * @param onRequest an erasure asked for while the record stays in D365: no longer synced
     */
    public Erased erase(SyncRecord record, Iterable<JsonValue> known, boolean onRequest) {
        // what this transaction wrote of the record so far is erased too
        em.flush();
        Set<String> values = new LinkedHashSet<>();
        record.writtenProperties().values().forEach(v -> collect(v, values));
        known.forEach(v -> collect(v, values));
        List<String> letters = takeDeadLetters(record, values);
        int pullFailures = erasePullFailures(record, values);
        UnaryOperator<String> scrub = scrubber(values);
        record.erase(scrub, onRequest);
        int lines = eraseHistory(record, scrub);
        em.createQuery(
                        "select w from WritebackState w where w.recordKey = :key",
                        dev.spotbridge.writeback.WritebackState.class)
                .setParameter("key", record.key())
                .getResultList()
                .forEach(w -> w.scrubError(scrub));
        if (!letters.isEmpty()) {
            em.persist(
                    new SyncHistoryEntry(
                            record.key(),
                            "Erasure",
                            "Succeeded",
                            letters.size()
                                    + " dead letter(s) of the record erased: "
                                    + String.join(", ", letters),
                            null));
        }
        return new Erased(lines, letters.size(), pullFailures);
    }

    /** The record's dead letters, taken off the queue on commit; their message ids. */
    private List<String> takeDeadLetters(SyncRecord record, Set<String> values) {
        List<String> ids = new ArrayList<>();
        // entity and recordId are checked names and GUIDs: nothing to escape
        String selector =
                "entity = '"
                        + record.entity()
                        + "' AND recordId = '"
                        + record.recordId().toLowerCase(Locale.ROOT)
                        + "'";
        try (JMSConsumer consumer = context.createConsumer(deadLetters, selector)) {
            // receiveNoWait asks the broker for what matches and waits for its answer: nothing
            // is missed because it was not in this client's buffer yet
            for (Message m = consumer.receiveNoWait(); m != null; m = consumer.receiveNoWait()) {
                ids.add(m.getJMSMessageID());
                if (m instanceof TextMessage text && text.getText() != null) {
                    // a change carries the record's columns as "attributes"
                    parse(text.getText())
                            .filter(j -> j instanceof JsonObject)
                            .map(j -> ((JsonObject) j).get("attributes"))
                            .ifPresent(attributes -> collect(attributes, values));
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException(
                    "could not take the dead letters of " + record.key() + ": " + e.getMessage(),
                    e);
        }
        return ids;
    }

    private int erasePullFailures(SyncRecord record, Set<String> values) {
        List<dev.spotbridge.backsync.PullFailure> failures =
                em.createQuery(
                                "select f from PullFailure f where f.recordKey = :key"
                                        + " or f.externalId = :id",
                                dev.spotbridge.backsync.PullFailure.class)
                        .setParameter("key", record.key())
                        .setParameter("id", record.recordId())
                        .getResultList();
        for (dev.spotbridge.backsync.PullFailure f : failures) {
            parse(f.item()).ifPresent(json -> collect(json, values));
            em.remove(f);
        }
        return failures.size();
    }

    private int eraseHistory(SyncRecord record, UnaryOperator<String> scrub) {
        List<SyncHistoryEntry> lines =
                em.createQuery(
                                "select h from SyncHistoryEntry h where h.recordKey = :key",
                                SyncHistoryEntry.class)
                        .setParameter("key", record.key())
                        .getResultList();
        for (SyncHistoryEntry line : lines) {
            line.erase(scrub, namesOnly(line.changes()));
        }
        return lines.size();
    }

    /** {property: {before, after}} becomes {property: {"erased": true}}. */
    static String namesOnly(String changes) {
        if (changes == null) {
            return null;
        }
        return parse(changes)
                .filter(j -> j instanceof JsonObject)
                .map(
                        j -> {
                            JsonObjectBuilder names = Json.createObjectBuilder();
                            ((JsonObject) j)
                                    .keySet()
                                    .forEach(
                                            k ->
                                                    names.add(
                                                            k,
                                                            Json.createObjectBuilder()
                                                                    .add("erased", true)));
                            return names.build().toString();
                        })
                .orElse(null);
    }

    /**
     * A function that replaces each of the values in a text, ignoring case, longest first (so a
     * name inside an email address goes with the address).
     */
    static UnaryOperator<String> scrubber(Set<String> values) {
        List<Pattern> patterns =
                values.stream()
                        .filter(v -> v.length() >= SHORTEST_VALUE)
                        .sorted(Comparator.comparingInt(String::length).reversed())
                        .map(v -> Pattern.compile(Pattern.quote(v), Pattern.CASE_INSENSITIVE))
                        .toList();
        return text -> {
            if (text == null) {
                return null;
            }
            String out = text;
            for (Pattern p : patterns) {
                out = p.matcher(out).replaceAll(ERASED);
            }
            return out;
        };
    }

    /**
     * Ids, times and short numbers: what a text of what happened may say, and no one's data. A
     * longer run of digits (a phone or account number) counts as data.
     */
    private static final Pattern NOT_PERSONAL =
            Pattern.compile(
                    "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
                            + "|\\d{4}-\\d{2}-\\d{2}([T ][0-9:.]+)?(Z|[+-]\\d{2}:?\\d{2})?"
                            + "|[-+]?\\d{1,6}([.,]\\d+)?|true|false|null");

    /**
     * Every text in a JSON value that can be someone's data: strings, but not ids (GUIDs), times or
     * numbers, which the texts of what happened use for themselves.
     */
    static void collect(JsonValue value, Set<String> into) {
        if (value == null) {
            return;
        }
        switch (value.getValueType()) {
            case STRING -> {
                String s = ((JsonString) value).getString().trim();
                if (!s.isEmpty() && !NOT_PERSONAL.matcher(s).matches()) {
                    into.add(s);
                }
            }
            case OBJECT -> ((JsonObject) value).values().forEach(v -> collect(v, into));
            case ARRAY -> ((JsonArray) value).forEach(v -> collect(v, into));
            default -> {}
        }
    }

    private static java.util.Optional<JsonStructure> parse(String text) {
        if (text == null || text.isBlank()) {
            return java.util.Optional.empty();
        }
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return java.util.Optional.of(reader.read());
        } catch (RuntimeException notJson) {
            return java.util.Optional.empty();
        }
    }
}
