package dev.spotbridge.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.dataverse.RemoteExecutionContext;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.ChangeEvent.Operation;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ChangeEventsTest {

    private static RemoteExecutionContext sample(String name, boolean sizeExceeded) {
        try (JsonReader reader =
                Json.createReader(
                        ChangeEventsTest.class.getResourceAsStream("/dataverse-samples/" + name))) {
            return RemoteExecutionContext.parse(reader.readObject(), sizeExceeded);
        }
    }

    @Test
    void createIsACompleteUpsertVersionedByModifiedOn() {
        ChangeEvent e = ChangeEvents.from(sample("01-contact-create-async-postop.json", false));
        assertEquals(Operation.UPSERT, e.operation());
        assertTrue(e.complete());
        assertEquals(0, e.state());
        assertEquals(Instant.ofEpochMilli(1741944413000L), e.version());
        assertEquals("contact:5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21", e.group());
        assertEquals(
                "2c9f6e1a-8a95-f011-b4cc-000d3a4f8c21|"
                        + sample("01-contact-create-async-postop.json", false).operationId()
                        + "|Create|contact|5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21",
                e.key());
    }

    @Test
    void updateMergesTargetOverThePostImage() {
        ChangeEvent e = ChangeEvents.from(sample("02-contact-update-pre-post-images.json", false));
        assertTrue(e.complete());
        assertEquals(
                "Anna",
                ((JsonString) e.attributes().get("firstname")).getString(),
                "from the post image");
        assertEquals(
                "Nowak",
                ((JsonString) e.attributes().get("lastname")).getString(),
                "from the Target");
        assertFalse(
                e.attributes().containsKey("fullname")
                        && e.attributes().get("fullname").toString().contains("Kowalski"));
    }

    @Test
    void deactivationByUpdateCarriesTheState() {
        ChangeEvent e =
                ChangeEvents.from(sample("05-contact-update-statecode-deactivate.json", false));
        assertEquals(Operation.UPSERT, e.operation());
        assertEquals(1, e.state());
    }

    @Test
    void deleteAndSetState() {
        assertEquals(
                Operation.DELETE,
                ChangeEvents.from(sample("03-contact-delete.json", false)).operation());
        ChangeEvent setState =
                ChangeEvents.from(sample("10-contact-setstatedynamicentity.json", false));
        assertEquals(Operation.SET_STATE, setState.operation());
        assertEquals(1, setState.state());
        assertEquals("5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21", setState.recordId());
    }

    @Test
    void strippedPayloadMustBeReadFromDataverse() {
        ChangeEvent e = ChangeEvents.from(sample("12-contact-update-stripped.json", true));
        assertFalse(e.complete());
        assertTrue(e.attributes().isEmpty());
        assertEquals(
                Instant.ofEpochMilli(1742306531000L),
                e.version(),
                "OperationCreatedOn when no modifiedon");
    }

    @Test
    void sameDeliveryHasSameKeyAndTheJsonRoundTrips() {
        ChangeEvent a = ChangeEvents.from(sample("06-lead-create-sync-postop.json", false));
        ChangeEvent b = ChangeEvents.from(sample("06-lead-create-sync-postop.json", false));
        assertEquals(a.key(), b.key());
        ChangeEvent back = ChangeEvent.fromJson(a.toJson());
        assertEquals(a, back);
        JsonObject json = Json.createReader(new StringReader(a.toJson())).readObject();
        assertEquals("lead", json.getString("entity"));
    }

    @Test
    void unhandledSaysWhich() {
        try (JsonReader reader =
                Json.createReader(
                        ChangeEventsTest.class.getResourceAsStream(
                                "/dataverse-samples/01-contact-create-async-postop.json"))) {
            JsonObject body =
                    Json.createObjectBuilder(reader.readObject())
                            .add("PrimaryEntityName", "opportunity")
                            .build();
            assertEquals(
                    "entity 'opportunity' is not handled (handled: account, contact, lead, sb_permission, list, sb_syncjob)",
                    ChangeEvents.unhandled(RemoteExecutionContext.parse(body, false))
                            .orElseThrow());
        }
        assertTrue(
                ChangeEvents.unhandled(sample("01-contact-create-async-postop.json", false))
                        .isEmpty());
    }

    @Test
    void addMemberIsAListMemberEvent() {
        ChangeEvent e = ChangeEvents.from(sample("09-list-addmember.json", false));
        assertEquals(Operation.LIST_MEMBERS, e.operation());
        assertEquals("e1f2a3b4-8c93-f011-b4cc-000d3a4f8c21", e.recordId());
        assertEquals(
                "5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21",
                ((JsonString) e.attributes().get("EntityId")).getString());
        assertEquals("list:e1f2a3b4-8c93-f011-b4cc-000d3a4f8c21", e.group());
        ChangeEvent update = ChangeEvents.from(sample("08-list-update-dynamic.json", false));
        assertEquals(Operation.LIST_CHANGE, update.operation());
    }

    @Test
    void preOperationCreateWithoutIdIsNotHandled() {
        try (JsonReader reader =
                Json.createReader(
                        ChangeEventsTest.class.getResourceAsStream(
                                "/dataverse-samples/01-contact-create-async-postop.json"))) {
            JsonObject body =
                    Json.createObjectBuilder(reader.readObject())
                            .add("PrimaryEntityId", "00000000-0000-0000-0000-000000000000")
                            .add("Stage", 20)
                            .build();
            assertTrue(
                    ChangeEvents.unhandled(RemoteExecutionContext.parse(body, false))
                            .orElseThrow()
                            .contains("PostOperation"));
        }
    }
}
