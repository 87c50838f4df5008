package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
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

    @Deployment(name = "probe", order = 3, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    @AfterEach
    void clear() {
        SpotlerSandbox.clearSpotlerFault();
    }

    @Test
    void threeServiceUnavailableThenRecoveryIsDelivered() {
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"count\":3,\"method\":\"POST\",\"path\":\"contact\"}");
        String id = UUID.randomUUID().toString();
        Webhooks.contactCreated(id, "Retry", "retry@example.com");
        JsonObject contact =
                await(
                        () -> spotlerContact(id).orElse(null),
                        c -> true,
                        "contact delivered after the outage");
        assertEquals("Retry", contact.getJsonObject("properties").getString("firstName"));
        JsonObject record =
                await(
                        () -> AdminApi.record("contact", id).orElse(null),
                        r -> "Succeeded".equals(r.getString("status")),
                        "status Succeeded");
        String history = record.getJsonArray("history").toString();
        assertTrue(
                history.contains("Retrying") && history.contains("503"),
                "the failed attempt is in the history: " + history);
    }

    /**
     * A transient outside failure of a job (Spotler 503 through all the gateway's retries) is one
     * warning line naming the job, the attempt and when it is tried again: no error, no stack trace
     * (neither Spotbridge's nor the EJB container's or the resource adapter's).
     */
    @Test
    void aTransientFailureOfAJobIsOneWarningLine() throws Exception {
        String id = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Quiet")
                        .add("lastname", "Log")
                        .add("emailaddress1", "quiet." + id.substring(0, 8) + "@example.com")
                        .build());
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        int mark = Files.readAllLines(log).size();
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"count\":3,\"method\":\"POST\",\"path\":\"contact\"}");
        String job = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "sb_syncjobs", job, Json.createObjectBuilder().add("sb_name", "job").build());
        assertEquals(
                202,
                webhook(
                                Contexts.create(
                                        "sb_syncjob",
                                        job,
                                        Map.<String, Object>of(
                                                "sb_operation",
                                                Contexts.option(100000001),
                                                "sb_contactid",
                                                Contexts.reference("contact", id)),
                                        Instant.now()))
                        .status());
        await(
                () -> DataverseSandbox.dataverseRow("sb_syncjobs", job).orElseThrow(),
                r -> r.getInt("sb_status", 0) == 100000002,
                "job " + job + " Succeeded after the outage");
        List<String> lines = Files.readAllLines(log);
        List<String> since = lines.subList(Math.min(mark, lines.size()), lines.size());
        List<String> aboutJob = since.stream().filter(l -> l.contains(job)).toList();
        List<String> warnings =
                aboutJob.stream().filter(l -> l.contains("\"level\":\"WARN")).toList();
        assertEquals(1, warnings.size(), String.join("\n", aboutJob));
        assertTrue(
                warnings.get(0).contains("attempt 1 of 8 failed, tried again in 1 s")
                        && warnings.get(0).contains("503"),
                warnings.get(0));
        for (String line : since) {
            assertTrue(
                    !line.matches(".*\"level\":\"(ERROR|SEVERE|FATAL)\".*")
                            && !line.contains("\"stackTrace\""),
                    "no error and no stack trace for a transient failure: " + line);
        }
    }

    @Test
    void tooManyRequestsWithRetryAfterIsHonoured() {
        SpotlerSandbox.spotlerFault(
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
                        () -> AdminApi.record("contact", id).orElse(null),
                        r -> "Failed".equals(r.getString("status")),
                        "status Failed");
        assertTrue(record.getString("lastError").contains("Email is invalid"), record.toString());
        assertEquals(1, AdminApi.events(record).size(), "no retry storm: one attempt");
        assertTrue(spotlerContact(id).isEmpty());
        AdminApi.deadLetterOf(id);
    }

    private static Http.Answer deadLetterAction(String action, String json) {
        return Http.send(
                HttpRequest.newBuilder(URI.create(Http.BASE + "/api/dead-letters/" + action))
                        .header("Authorization", "Basic " + AdminApi.ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    @Test
    void deadLetterIsReplayedAfterTheCauseIsGone() {
        // Spotler refuses once (say, a property that the account did not have yet)
        SpotlerSandbox.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        String id = UUID.randomUUID().toString();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", "Replay", "emailaddress1", "replay@example.com"),
                        Instant.now()));
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> "Failed".equals(r.getString("status")),
                "Failed");
        String messageId = AdminApi.deadLetterOf(id);
        SpotlerSandbox.clearSpotlerFault();

        Http.Answer replay = deadLetterAction("replay", "{\"ids\":[\"" + messageId + "\"]}");
        assertEquals(200, replay.status(), replay.body());
        assertEquals(1, replay.json().getInt("replayed"));
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "Succeeded after the replay");
        assertEquals(
                "Replay",
                spotlerContact(id)
                        .orElseThrow()
                        .getJsonObject("properties")
                        .getString("firstName"));
        assertTrue(
                AdminApi.deadLetters().stream()
                        .noneMatch(m -> messageId.equals(m.asJsonObject().getString("messageId"))));
        assertTrue(
                AdminApi.record("contact", id)
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString()
                        .contains("Replayed"));
    }

    private static String refusedCreate(String name) {
        return refusedCreate(UUID.randomUUID().toString(), name);
    }

    private static String refusedCreate(String id, String name) {
        SpotlerSandbox.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", name, "emailaddress1", "range@example.com"),
                        Instant.now()));
        AdminApi.deadLetterOf(id);
        SpotlerSandbox.clearSpotlerFault();
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
        Http.Answer replay =
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
                () -> AdminApi.record("contact", newer).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "the newer one replayed");
        assertTrue(
                AdminApi.deadLetters().stream()
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
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "History")
                        .add("emailaddress1", "range@example.com")
                        .build());
        refusedCreate(id, "History");
        assertEquals("Failed", AdminApi.record("contact", id).orElseThrow().getString("status"));
        String body =
                "{\"from\":\"" + start + "\",\"to\":\"" + Instant.now().plusSeconds(1) + "\"}";
        Http.Answer bad = adminJson("/api/records/resync", "{\"from\":\"" + start + "\"}");
        assertEquals(400, bad.status(), bad.body());
        Http.Answer resync = adminJson("/api/records/resync", body);
        assertEquals(202, resync.status(), resync.body());
        assertTrue(resync.json().getInt("queued") >= 1, resync.body());
        assertTrue(resync.body().contains("contact:" + id), resync.body());
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "Succeeded after the resync");
        assertEquals("History", SpotlerSandbox.spotlerProperties(id).getString("firstName"));
    }

    private static Http.Answer adminJson(String path, String json) {
        return Http.send(
                HttpRequest.newBuilder(URI.create(Http.BASE + path))
                        .header("Authorization", "Basic " + AdminApi.ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
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
        String messageId = AdminApi.deadLetterOf(id);
        assertEquals(
                400,
                deadLetterAction("discard", "{\"ids\":[\"" + messageId + "\"]}").status(),
                "a reason is required");
        Http.Answer discard =
                deadLetterAction(
                        "discard",
                        "{\"all\":true,\"recordId\":\""
                                + id
                                + "\",\"reason\":\"test address, not a customer\"}");
        assertEquals(200, discard.status(), discard.body());
        assertEquals(1, discard.json().getInt("discarded"));
        assertTrue(
                AdminApi.deadLetters().stream()
                        .noneMatch(m -> id.equals(m.asJsonObject().getString("recordId", ""))));
        assertTrue(
                AdminApi.record("contact", id)
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString()
                        .contains(
                                "discarded from the dead-letter queue: test address, not a customer"));
    }

    /**
     * The node's heartbeat (node_presence, renewed every 5 s) stuck on a slow database: changes
     * still reach Spotler meanwhile — the Spotler rate, which asks how many nodes are alive, does
     * not wait for it — nothing logs an error, and the heartbeat goes on once the database answers.
     */
    @Test
    void aStuckHeartbeatHoldsUpNoSpotlerCallAndLogsNoError() throws Exception {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        int mark = Files.readAllLines(log).size();
        // within the database's lock timeout (10 s), so the heartbeat waits rather than fails
        CompletableFuture<Void> held =
                CompletableFuture.runAsync(
                        () -> Probe.hold("SELECT * FROM node_presence FOR UPDATE", 9));
        // a renewal (every 5 s) is now waiting on the row
        Thread.sleep(5_500);
        String id = UUID.randomUUID().toString();
        Webhooks.contactCreated(id, "Steady", "steady@example.com");
        await(
                () -> spotlerContact(id).isPresent() || held.isDone(),
                done -> done,
                "the contact in Spotler, or the heartbeat's row let go");
        assertTrue(
                spotlerContact(id).isPresent() && !held.isDone(),
                "the contact reached Spotler while the heartbeat waited on the database");
        held.get();
        await(
                () ->
                        Http.get(
                                        BASE
                                                + "/probe/count?sql="
                                                + URLEncoder.encode(
                                                        "SELECT COUNT(*) FROM node_presence WHERE"
                                                                + " seen_at > DATEADD('SECOND', -4,"
                                                                + " CURRENT_TIMESTAMP)",
                                                        StandardCharsets.UTF_8),
                                        null)
                                .body()
                                .trim(),
                n -> !"0".equals(n),
                "the heartbeat renewed after the database let go");
        List<String> lines = Files.readAllLines(log);
        for (String line : lines.subList(Math.min(mark, lines.size()), lines.size())) {
            assertTrue(
                    !line.matches(".*\"level\":\"(ERROR|SEVERE|FATAL)\".*"),
                    "no error for a slow heartbeat: " + line);
        }
    }

    /**
     * A run that fails because Spotler is down (every back-sync feed unreadable) is answered 503
     * and logged as warnings: one line per feed and one for the run, none with a stack trace, no
     * error — the next run repeats it.
     */
    @Test
    void aRunStoppedByAnOutageIsWarningsWithoutStackTraces() throws Exception {
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        int mark = Files.readAllLines(log).size();
        SpotlerSandbox.spotlerFault("{\"status\":503,\"count\":100000}");
        Http.Answer failed = AdminApi.adminPost("/api/backsync/run");
        assertEquals(503, failed.status(), failed.body());
        assertEquals("outside_service_unavailable", failed.json().getString("error"));
        List<String> lines = Files.readAllLines(log);
        List<String> since = lines.subList(Math.min(mark, lines.size()), lines.size());
        assertTrue(
                since.stream()
                        .anyMatch(
                                l ->
                                        l.contains("\"level\":\"WARN")
                                                && l.contains("admin-triggered run failed: ")
                                                && l.contains("503")),
                String.join("\n", since));
        for (String line : since) {
            assertTrue(
                    !line.matches(".*\"level\":\"(ERROR|SEVERE|FATAL)\".*")
                            && !line.contains("\"stackTrace\""),
                    "an outage is no error and has no stack trace: " + line);
        }
    }
}
