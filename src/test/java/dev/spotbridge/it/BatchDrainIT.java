package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.AdminApi.events;
import static dev.spotbridge.it.AdminApi.record;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sync queue is drained in batches: changes queued while it is paused go out together, up to
 * 100 contacts per Spotler call, with per-record order, one contact's refusal isolated, and no
 * second effect when a batch is done again after its Spotler write.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BatchDrainIT {

    private static final String SYNC_QUEUE =
            "/subsystem=messaging-activemq/server=default/jms-queue=spotbridge-sync";

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static Map<String, Object> person(String name) {
        return person(name, name + "@example.com");
    }

    private static Map<String, Object> person(String name, String email) {
        return Map.of("firstname", name, "lastname", "Batch", "emailaddress1", email);
    }

    /** Sends the webhooks while the sync queue is paused: they are drained as a backlog. */
    private static void queuedTogether(List<String> contexts) throws Exception {
        Http.cli(SYNC_QUEUE + ":pause");
        try {
            for (String context : contexts) {
                assertEquals(202, webhook(context).status());
            }
        } finally {
            Http.cli(SYNC_QUEUE + ":resume");
        }
    }

    /**
     * The contact as a row of the Dataverse sandbox: its write-back and sb_permission rows need it.
     */
    private static void inDataverse(String id, String firstName) {
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", firstName)
                        .add("lastname", "Batch")
                        .add("emailaddress1", firstName + "@example.com")
                        .add("statecode", 0)
                        .build());
    }

    /** A D365 update of the contact's first name, taken in. */
    private static void renamed(String id, String firstName, Instant at) {
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "contact",
                                        id,
                                        Map.of("firstname", firstName),
                                        person(firstName),
                                        at,
                                        UUID.randomUUID().toString()))
                        .status());
    }

    private static JsonObject settled(String id) {
        return await(
                () -> record("contact", id).orElse(null),
                r -> !"Processing".equals(r.getString("status")) && !events(r).isEmpty(),
                "contact " + id + " settled",
                Duration.ofSeconds(60));
    }

    private static long outcomes(JsonObject record, String operation, String outcome) {
        return events(record).stream()
                .filter(e -> operation.equals(e.getString("operation")))
                .filter(e -> outcome.equals(e.getString("outcome")))
                .count();
    }

    /**
     * The write-back of two new contacts creates their six sb_permission rows in one
     * CreateMultiple, then its $batch of their status PATCHes meets Dataverse down. Tried again,
     * the CreateMultiple is refused (the rows are there: 412, 0x80040237) and its rows go one by
     * one, each answered 412: a row that is there already is done, not refused — both statuses are
     * written and nothing is dead-lettered.
     */
    @Test
    void aWriteBackTriedAgainAfterItsRowsWereMadeFinishes() throws Exception {
        DataverseSandbox.awaitDataverseQuiet();
        List<String> ids = List.of(UUID.randomUUID().toString(), UUID.randomUUID().toString());
        List<String> contexts = new ArrayList<>();
        for (String id : ids) {
            String name = "Again" + id.substring(0, 8);
            inDataverse(id, name);
            contexts.add(Contexts.create("contact", id, person(name), Instant.now()));
        }
        // three failed calls: the gateway's own two retries are spent, the write-back is held
        DataverseSandbox.dataverseFault("{\"status\":503,\"count\":3,\"path\":\"$batch\"}");
        queuedTogether(contexts);
        for (String id : ids) {
            JsonObject row =
                    await(
                            () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                            r -> r.containsKey("sb_syncstatus") && !r.isNull("sb_syncstatus"),
                            "the status written back",
                            Duration.ofSeconds(60));
            assertEquals(100000000, row.getInt("sb_syncstatus"), row.toString());
            assertEquals(
                    3,
                    DataverseSandbox.dataverseRows("sb_permissions", "_sb_contactid_value eq " + id)
                            .size(),
                    "one sb_permission row per permission, made once");
            assertTrue(
                    AdminApi.deadLetters().stream()
                            .noneMatch(m -> id.equals(m.asJsonObject().getString("recordId", ""))),
                    "nothing of " + id + " dead-lettered");
        }
    }

    @Test
    void aBacklogOf500RecordsTakesAtMost10SpotlerWrites() throws Exception {
        Instant t0 = Instant.now().minusSeconds(30);
        List<String> ids = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            contexts.add(Contexts.create("contact", id, person("b" + i), t0));
        }
        long writes = SpotlerSandbox.spotlerWrites();
        queuedTogether(contexts);
        for (int i = 0; i < ids.size(); i++) {
            JsonObject record = settled(ids.get(i));
            assertEquals("Succeeded", record.getString("status"), record.toString());
            assertEquals(
                    "b" + i, SpotlerSandbox.spotlerProperties(ids.get(i)).getString("firstName"));
        }
        long calls = SpotlerSandbox.spotlerWrites() - writes;
        System.out.printf(
                "batch drain: 500 creates queued together took %d Spotler writes%n", calls);
        assertTrue(calls <= 10, calls + " Spotler writes for 500 records");
    }

    @Test
    void fiftyChangesOfOneRecordInABatchAreAppliedInOrder() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(120);
        assertEquals(202, webhook(Contexts.create("contact", id, person("v"), t0)).status());
        awaitHistory("contact", id, 1);
        // what Dataverse holds at the end: a reactivation reads it
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "v49")
                        .add("lastname", "Batch")
                        .add("emailaddress1", "v@example.com")
                        .add("statecode", 0)
                        .build());
        List<String> contexts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            if (i == 20) {
                contexts.add(Contexts.setState("contact", id, 1));
            } else if (i == 30) {
                contexts.add(Contexts.setState("contact", id, 0));
            } else {
                Map<String, Object> image = new java.util.HashMap<>(person("v" + i));
                image.put("emailaddress1", "v@example.com");
                contexts.add(
                        Contexts.update(
                                "contact",
                                id,
                                Map.of("firstname", "v" + i),
                                image,
                                t0.plusSeconds(1 + i),
                                UUID.randomUUID().toString()));
            }
        }
        queuedTogether(contexts);
        JsonObject record = awaitHistory("contact", id, 51);
        JsonObject contact = SpotlerSandbox.spotlerContact(id).orElseThrow();
        assertEquals(
                "v49",
                contact.getJsonObject("properties").getString("firstName", null),
                contact + "\n" + record);
        assertEquals("Succeeded", record.getString("status"));
        String history = record.getJsonArray("history").toString();
        assertTrue(history.contains("blanked"), "the deactivation blanked the contact: " + history);
        assertTrue(history.contains("restored"), "the reactivation restored it: " + history);
    }

    @Test
    void oneContactSpotlerRefusesFailsAloneTheOther99Succeed() throws Exception {
        Instant t0 = Instant.now().minusSeconds(30);
        List<String> ids = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        String refused = null;
        for (int i = 0; i < 100; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            boolean bad = i == 37;
            if (bad) {
                refused = id;
            }
            contexts.add(
                    Contexts.create(
                            "contact",
                            id,
                            person("r" + i, bad ? "not-an-address" : "r" + i + "@example.com"),
                            t0));
        }
        queuedTogether(contexts);
        for (String id : ids) {
            JsonObject record = settled(id);
            if (id.equals(refused)) {
                assertEquals("Failed", record.getString("status"), record.toString());
                assertTrue(
                        record.getString("lastError").contains("PROPERTY_INVALID"),
                        record.toString());
                assertTrue(SpotlerSandbox.spotlerContact(id).isEmpty(), "not in Spotler");
            } else {
                assertEquals("Succeeded", record.getString("status"), record.toString());
                assertTrue(SpotlerSandbox.spotlerContact(id).isPresent(), id + " in Spotler");
            }
        }
        String deadLetter = AdminApi.deadLetterOf(refused);
        assertTrue(deadLetter != null, "the refused change is in the dead-letter queue");
    }

    @Test
    void aBatchDoneAgainAfterItsSpotlerWriteHasNoSecondEffect() throws Exception {
        Instant t0 = Instant.now().minusSeconds(30);
        // a contact synced the normal way: how many sb_permission rows one contact gets
        String control = UUID.randomUUID().toString();
        inDataverse(control, "c");
        assertEquals(202, webhook(Contexts.create("contact", control, person("c"), t0)).status());
        assertEquals("Succeeded", settled(control).getString("status"));
        int rowsPerContact = permissionRows(control);

        List<String> ids = new ArrayList<>();
        List<String> contexts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            inDataverse(id, "a" + i);
            contexts.add(Contexts.create("contact", id, person("a" + i), t0));
        }
        long faulted = SpotlerSandbox.spotlerFaulted();
        // Spotler carries the batches' writes out, but their answers are lost, on every retry of
        // the call (each batch, however the queue splits them, meets three): the batches roll back
        // after their Spotler writes and are done again
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"count\":12,\"method\":\"POST\",\"path\":\"contact/list\","
                        + "\"afterEffect\":true}");
        try {
            queuedTogether(contexts);
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                JsonObject record =
                        await(
                                () -> record("contact", id).orElse(null),
                                r -> "Succeeded".equals(r.getString("status")),
                                "contact " + id + " synced after the redelivery",
                                Duration.ofSeconds(60));
                assertEquals(1, outcomes(record, "Create", "Succeeded"), record.toString());
                assertEquals("a" + i, SpotlerSandbox.spotlerProperties(id).getString("firstName"));
                assertEquals(rowsPerContact, permissionRows(id), "sb_permission rows made once");
            }
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        assertEquals(
                12, SpotlerSandbox.spotlerFaulted() - faulted, "the writes' answers were lost");
        // the batch that met the lost answers says so in its records' history, once each
        long retried =
                ids.stream()
                        .map(id -> record("contact", id).orElseThrow())
                        .mapToLong(r -> outcomes(r, "Create", "Retrying"))
                        .peek(n -> assertTrue(n <= 1, "one line per record"))
                        .filter(n -> n == 1)
                        .count();
        assertTrue(retried > 0, "the failed attempt is recorded");
        // the lost answers opened the write's circuit: closed again before the next test
        await(
                () ->
                        AdminApi.overview()
                                .getJsonObject("circuits")
                                .getJsonObject("spotler")
                                .getString("state"),
                "closed"::equals,
                "the Spotler circuit closed again",
                Duration.ofSeconds(60));
    }

    @Test
    void aStatusThatDoesNotChangeIsNotWrittenBack() {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(60);
        inDataverse(id, "s");
        assertEquals(202, webhook(Contexts.create("contact", id, person("s"), t0)).status());
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElse(null),
                row -> row.containsKey("sb_syncstatus") && !row.isNull("sb_syncstatus"),
                "the first sync's status in D365");
        long patches = DataverseSandbox.dataversePatches();
        renamed(id, "s2", t0.plusSeconds(10));
        // the update's sync committed (its write-back request with it), and that request was
        // taken: nothing waits on the write-back queue, in delivery or not
        awaitHistory("contact", id, 2);
        AdminApi.awaitWritebackDrained();
        JsonObject record = record("contact", id).orElseThrow();
        assertEquals("Succeeded", record.getString("status"));
        assertEquals("s2", SpotlerSandbox.spotlerProperties(id).getString("firstName"));
        assertEquals(
                patches, DataverseSandbox.dataversePatches(), "Succeeded → Succeeded: no PATCH");
        long writebacks =
                record.getJsonArray("history").stream()
                        .map(v -> v.asJsonObject())
                        .filter(h -> "WriteBack".equals(h.getString("operation")))
                        .count();
        assertEquals(1, writebacks, "one write-back, the first sync's: " + record);
    }

    /**
     * sb_lastsyncedon is written at most once per spotbridge.last-synced-interval (30 s in the
     * ITs): a second sync within the interval writes nothing to D365, and the sweep writes the
     * newer sync time once the interval is over, so D365 is never behind by more than that.
     */
    @Test
    void aNewerSyncTimeReachesD365OnceTheIntervalIsOver() {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(60);
        inDataverse(id, "l");
        assertEquals(202, webhook(Contexts.create("contact", id, person("l"), t0)).status());
        String first =
                await(
                                () -> DataverseSandbox.dataverseRow("contacts", id).orElse(null),
                                row ->
                                        row.containsKey("sb_lastsyncedon")
                                                && !row.isNull("sb_lastsyncedon"),
                                "the first sync's time in D365")
                        .getString("sb_lastsyncedon");
        // D365 keeps whole seconds: a second sync within the same second would write the same time
        while (!Instant.now().isAfter(Instant.parse(first).plusSeconds(1))) {
            Http.pause(100);
        }
        renamed(id, "l2", t0.plusSeconds(10));
        awaitHistory("contact", id, 2);
        AdminApi.awaitWritebackDrained();
        assertEquals(
                first,
                DataverseSandbox.dataverseRow("contacts", id)
                        .orElseThrow()
                        .getString("sb_lastsyncedon"),
                "within the interval the newer sync time waits");
        String swept =
                await(
                                () -> DataverseSandbox.dataverseRow("contacts", id).orElse(null),
                                row -> !first.equals(row.getString("sb_lastsyncedon")),
                                "the newer sync time written by the sweep",
                                Duration.ofSeconds(120))
                        .getString("sb_lastsyncedon");
        assertTrue(Instant.parse(swept).isAfter(Instant.parse(first)), first + " then " + swept);
    }

    /** The contact's sb_permission rows in Dataverse, once its write-back is done. */
    private static int permissionRows(String contactId) {
        return await(
                        () ->
                                DataverseSandbox.dataverseRows(
                                        "sb_permissions", "_sb_contactid_value eq " + contactId),
                        rows -> !rows.isEmpty(),
                        "sb_permission rows of " + contactId,
                        Duration.ofSeconds(30))
                .size();
    }
}
