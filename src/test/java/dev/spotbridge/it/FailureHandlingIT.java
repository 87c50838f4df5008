package dev.spotbridge.it;

import static dev.spotbridge.it.Service.await;
import static dev.spotbridge.it.Service.spotlerContact;
import static dev.spotbridge.it.Service.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outside failures: retried and redelivered until they pass; refused for good → Failed and
 * dead-lettered at once.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class FailureHandlingIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @AfterEach
    void clear() {
        Service.clearSpotlerFault();
    }

    @Test
    void threeServiceUnavailableThenRecoveryIsDelivered() {
        Service.spotlerFault(
                "{\"status\":503,\"count\":3,\"method\":\"POST\",\"path\":\"contact\"}");
        String id = UUID.randomUUID().toString();
        assertEquals(
                202,
                webhook(
                                Contexts.create(
                                        "contact",
                                        id,
                                        Map.of(
                                                "firstname",
                                                "Retry",
                                                "emailaddress1",
                                                "retry@example.com"),
                                        Instant.now()))
                        .status());
        JsonObject contact =
                await(
                        () -> spotlerContact(id).orElse(null),
                        c -> true,
                        "contact delivered after the outage");
        assertEquals("Retry", contact.getJsonObject("properties").getString("firstName"));
        JsonObject record =
                await(
                        () -> Service.record("contact", id).orElse(null),
                        r -> "Succeeded".equals(r.getString("status")),
                        "status Succeeded");
        String history = record.getJsonArray("history").toString();
        assertTrue(
                history.contains("Retrying") && history.contains("503"),
                "the failed attempt is in the history: " + history);
    }

    @Test
    void tooManyRequestsWithRetryAfterIsHonoured() {
        Service.spotlerFault(
                "{\"status\":429,\"count\":1,\"retryAfter\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        String id = UUID.randomUUID().toString();
        long sent = System.currentTimeMillis();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", "Slow", "emailaddress1", "slow@example.com"),
                        Instant.now()));
        await(() -> spotlerContact(id).orElse(null), c -> true, "contact delivered after the 429");
        assertTrue(
                System.currentTimeMillis() - sent >= 1000,
                "waited at least the Retry-After second");
    }

    @Test
    void spotlerRefusalFailsAtOnceAndIsDeadLettered() {
        String id = UUID.randomUUID().toString();
        assertEquals(
                202,
                webhook(
                                Contexts.create(
                                        "contact",
                                        id,
                                        Map.of(
                                                "firstname",
                                                "Invalid",
                                                "emailaddress1",
                                                "not-an-email"),
                                        Instant.now()))
                        .status());
        JsonObject record =
                await(
                        () -> Service.record("contact", id).orElse(null),
                        r -> "Failed".equals(r.getString("status")),
                        "status Failed");
        assertTrue(record.getString("lastError").contains("Email is invalid"), record.toString());
        assertEquals(1, Service.events(record).size(), "no retry storm: one attempt");
        assertTrue(spotlerContact(id).isEmpty());
        Service.deadLetterOf(id);
    }

    private static Service.Answer deadLetterAction(String action, String json) {
        return Service.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(Service.BASE + "/api/dead-letters/" + action))
                        .header("Authorization", "Basic " + Service.ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    @Test
    void deadLetterIsReplayedAfterTheCauseIsGone() {
        // Spotler refuses once (say, a property that the account did not have yet)
        Service.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        String id = UUID.randomUUID().toString();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", "Replay", "emailaddress1", "replay@example.com"),
                        Instant.now()));
        await(
                () -> Service.record("contact", id).orElse(null),
                r -> "Failed".equals(r.getString("status")),
                "Failed");
        String messageId = Service.deadLetterOf(id);
        Service.clearSpotlerFault();

        Service.Answer replay = deadLetterAction("replay", "{\"ids\":[\"" + messageId + "\"]}");
        assertEquals(200, replay.status(), replay.body());
        assertEquals(1, replay.json().getInt("replayed"));
        await(
                () -> Service.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "Succeeded after the replay");
        assertEquals(
                "Replay",
                spotlerContact(id)
                        .orElseThrow()
                        .getJsonObject("properties")
                        .getString("firstName"));
        assertTrue(
                Service.deadLetters().stream()
                        .noneMatch(m -> messageId.equals(m.asJsonObject().getString("messageId"))));
        assertTrue(
                Service.record("contact", id)
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString()
                        .contains("Replayed"));
    }

    private static String refusedCreate(String name) {
        return refusedCreate(UUID.randomUUID().toString(), name);
    }

    private static String refusedCreate(String id, String name) {
        Service.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", name, "emailaddress1", "range@example.com"),
                        Instant.now()));
        Service.deadLetterOf(id);
        Service.clearSpotlerFault();
        return id;
    }

    @Test
    void deadLettersAreReplayedByTimeRange() throws InterruptedException {
        String older = refusedCreate("Older");
        Thread.sleep(50);
        Instant mid = Instant.now();
        Thread.sleep(50);
        String newer = refusedCreate("Newer");

        assertEquals(
                400, deadLetterAction("replay", "{\"all\":true,\"from\":\"yesterday\"}").status());
        Service.Answer replay =
                deadLetterAction(
                        "replay",
                        "{\"all\":true,\"from\":\""
                                + mid
                                + "\",\"to\":\""
                                + Instant.now().plusSeconds(1)
                                + "\"}");
        assertEquals(200, replay.status(), replay.body());
        assertEquals(1, replay.json().getInt("replayed"), "only the change after mid");
        await(
                () -> Service.record("contact", newer).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "the newer one replayed");
        assertTrue(
                Service.deadLetters().stream()
                        .anyMatch(m -> older.equals(m.asJsonObject().getString("recordId", ""))),
                "the older one is still a dead letter");
        assertEquals(
                1,
                deadLetterAction(
                                "discard",
                                "{\"all\":true,\"recordId\":\""
                                        + older
                                        + "\",\"reason\":\"test done\"}")
                        .json()
                        .getInt("discarded"));
    }

    @Test
    void failedRecordsOfATimeRangeAreResyncedFromTheHistory() {
        Instant start = Instant.now();
        String id = UUID.randomUUID().toString();
        // the resync reads the record's current state from Dataverse
        Service.dataverseUpsert(
                "contacts",
                id,
                jakarta.json.Json.createObjectBuilder()
                        .add("firstname", "History")
                        .add("emailaddress1", "range@example.com")
                        .build());
        refusedCreate(id, "History");
        assertEquals("Failed", Service.record("contact", id).orElseThrow().getString("status"));
        String body =
                "{\"from\":\"" + start + "\",\"to\":\"" + Instant.now().plusSeconds(1) + "\"}";
        Service.Answer bad = adminJson("/api/records/resync", "{\"from\":\"" + start + "\"}");
        assertEquals(400, bad.status(), bad.body());
        Service.Answer resync = adminJson("/api/records/resync", body);
        assertEquals(202, resync.status(), resync.body());
        assertTrue(resync.json().getInt("queued") >= 1, resync.body());
        assertTrue(resync.body().contains("contact:" + id), resync.body());
        await(
                () -> Service.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "Succeeded after the resync");
        assertEquals("History", Service.spotlerProperties(id).getString("firstName"));
    }

    private static Service.Answer adminJson(String path, String json) {
        return Service.send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(Service.BASE + path))
                        .header("Authorization", "Basic " + Service.ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    @Test
    void deadLetterIsDiscardedWithAReason() {
        String id = UUID.randomUUID().toString();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", "Gone", "emailaddress1", "not-an-email"),
                        Instant.now()));
        String messageId = Service.deadLetterOf(id);
        assertEquals(
                400,
                deadLetterAction("discard", "{\"ids\":[\"" + messageId + "\"]}").status(),
                "a reason is required");
        Service.Answer discard =
                deadLetterAction(
                        "discard",
                        "{\"all\":true,\"recordId\":\""
                                + id
                                + "\",\"reason\":\"test address, not a customer\"}");
        assertEquals(200, discard.status(), discard.body());
        assertEquals(1, discard.json().getInt("discarded"));
        assertTrue(
                Service.deadLetters().stream()
                        .noneMatch(m -> id.equals(m.asJsonObject().getString("recordId", ""))));
        assertTrue(
                Service.record("contact", id)
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString()
                        .contains(
                                "discarded from the dead-letter queue: test address, not a customer"));
    }
}
