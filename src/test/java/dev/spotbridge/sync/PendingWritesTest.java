package dev.spotbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.SpotlerGateway.ContactWrite;
import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingWritesTest {

    private static final SyncRecord ANNA = new SyncRecord("contact", "a");
    private static final SyncRecord BERT = new SyncRecord("contact", "b");

    @Test
    void severalWritesOfOneRecordBecomeOneInOrder() {
        PendingWrites pending = new PendingWrites();
        pending.add(
                ANNA,
                Map.of("firstName", Json.createValue("A1"), "city", Json.createValue("Delft")),
                Map.of(1L, true),
                true);
        pending.add(BERT, Map.of("firstName", Json.createValue("B")), Map.of(), false);
        pending.add(
                ANNA,
                Map.of("firstName", Json.createValue("A2"), "city", JsonValue.NULL),
                Map.of(1L, false, 2L, true),
                false);
        List<PendingWrites.Pending> all = pending.takeAll();
        assertEquals(2, all.size(), "one write per record");
        ContactWrite anna = all.get(0).write();
        assertEquals("a", anna.externalId(), "in the order of the first change");
        assertEquals(Json.createValue("A2"), anna.properties().get("firstName"), "the later value");
        assertEquals(JsonValue.NULL, anna.properties().get("city"), "a later clear too");
        assertEquals(Map.of(1L, false, 2L, true), anna.permissions());
        assertTrue(anna.created(), "a create when the first one was");
        assertTrue(pending.takeAll().isEmpty(), "taken out");
    }

    @Test
    void aRecordsWriteIsTakenOutAlone() {
        PendingWrites pending = new PendingWrites();
        pending.add(ANNA, Map.of("firstName", Json.createValue("A")), Map.of(), false);
        pending.add(BERT, Map.of("firstName", Json.createValue("B")), Map.of(), false);
        assertEquals("a", pending.take("a").orElseThrow().record().recordId());
        assertTrue(pending.take("a").isEmpty());
        assertEquals(
                List.of("b"), pending.takeAll().stream().map(p -> p.record().recordId()).toList());
    }
}
