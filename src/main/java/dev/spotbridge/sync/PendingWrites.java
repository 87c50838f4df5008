package dev.spotbridge.sync;

import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.SpotlerGateway.ContactWrite;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Spotler writes of a batch of record changes, held until the batch has been decided and then
 * sent together, up to 100 contacts per POST /contact/list. Several writes of one record within the
 * batch become one, in order: a later value of a property replaces an earlier one, and the write is
 * a create when the first one was.
 */
final class PendingWrites {

    /** One contact's write, with the record whose state it moves. */
    record Pending(
            SyncRecord record,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean created) {

        ContactWrite write() {
            return new ContactWrite(record.recordId(), properties, created, permissions);
        }

        Pending then(Pending later) {
            Map<String, JsonValue> props = new LinkedHashMap<>(properties);
            props.putAll(later.properties);
            Map<Long, Boolean> bits = new LinkedHashMap<>(permissions);
            bits.putAll(later.permissions);
            return new Pending(later.record, props, bits, created || later.created);
        }
    }

    private final Map<String, Pending> byRecord = new LinkedHashMap<>();

    void add(
            SyncRecord record,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean created) {
        Pending write =
                new Pending(
                        record,
                        new LinkedHashMap<>(properties),
                        new LinkedHashMap<>(permissions),
                        created);
        byRecord.merge(record.recordId(), write, Pending::then);
    }

    /** The record's write, taken out to be sent before anything else is done with its contact. */
    Optional<Pending> take(String recordId) {
        return Optional.ofNullable(byRecord.remove(recordId));
    }

    /** Every write, in the order of their first change, taken out. */
    List<Pending> takeAll() {
        List<Pending> all = new ArrayList<>(byRecord.values());
        byRecord.clear();
        return all;
    }
}
