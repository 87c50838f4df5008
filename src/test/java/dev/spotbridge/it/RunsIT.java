package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Long work as runs (GET /api/runs): a backfill's progress rises to 100 %, a pause stops it between
 * two pages and a resume goes on without losing a record; runs that cannot pause or have finished
 * refuse with 409.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class RunsIT {

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

    private static JsonObject run(long id) {
        Http.Answer a = AdminApi.adminGet("/api/runs/" + id);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    @Test
    void aBackfillOf20000ShowsRisingProgressPausesAndResumesLosingNothing() {
        String prefix = "runs-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = DataverseSandbox.dataverseSeed("contacts", 20_000, prefix);

        Http.Answer started = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"contact\"]}");
        assertEquals(202, started.status(), started.body());
        long id = started.json().getJsonNumber("run").longValue();

        // progress rises: a total estimated by Dataverse, done growing page by page
        JsonObject early =
                await(
                        () -> run(id),
                        r -> r.getInt("done") > 0 && r.containsKey("total"),
                        "run " + id + " under way",
                        Duration.ofSeconds(60));
        assertEquals("backfill", early.getString("kind"));
        assertEquals("admin it-admin", early.getString("startedBy"), early.toString());
        assertTrue(early.getBoolean("totalEstimated"), early.toString());
        assertTrue(early.getInt("total") >= 20_000, early.toString());
        assertTrue(early.getBoolean("pausable"), early.toString());
        JsonObject later =
                await(
                        () -> run(id),
                        r -> r.getInt("done") > early.getInt("done"),
                        "run " + id + " goes on",
                        Duration.ofSeconds(60));
        assertTrue(later.getJsonNumber("percent").doubleValue() > 0, later.toString());

        // a pause stops it between two pages
        Http.Answer pause = AdminApi.adminPost("/api/runs/" + id + "/pause");
        assertEquals(202, pause.status(), pause.body());
        JsonObject paused =
                await(
                        () -> run(id),
                        r -> "Paused".equals(r.getString("state")),
                        "run " + id + " paused",
                        Duration.ofSeconds(60));
        assertTrue(paused.getInt("done") < 20_000, paused.toString());
        Http.pause(2_000);
        JsonObject still = run(id);
        assertEquals("Paused", still.getString("state"), still.toString());
        assertEquals(paused.getInt("done"), still.getInt("done"), still.toString());
        assertEquals(409, AdminApi.adminPost("/api/runs/" + id + "/pause").status(), "not Running");

        // a resume goes on from the next page to the end: 100 %, nothing lost
        Http.Answer resume = AdminApi.adminPost("/api/runs/" + id + "/resume");
        assertEquals(202, resume.status(), resume.body());
        JsonObject end =
                await(
                        () -> run(id),
                        r -> !"Running".equals(r.getString("state")),
                        "run " + id + " finished",
                        Duration.ofSeconds(300));
        assertEquals("Succeeded", end.getString("state"), end.toString());
        assertEquals(100.0, end.getJsonNumber("percent").doubleValue(), end.toString());
        assertFalse(end.getBoolean("totalEstimated"), end.toString());
        assertEquals(end.getInt("total"), end.getInt("done"), end.toString());
        assertTrue(end.getInt("done") >= 20_000, end.toString());
        assertEquals(List.of(), missingInSpotler(ids), "every seeded contact is in Spotler");

        // the finished run is listed, and refuses another resume
        assertTrue(
                AdminApi.adminGet("/api/runs?kind=backfill").body().contains("\"id\":" + id),
                "listed");
        assertEquals(409, AdminApi.adminPost("/api/runs/" + id + "/resume").status());
        assertEquals(404, AdminApi.adminGet("/api/runs/99999999").status());
    }

    /**
     * A backfill whose pages keep failing (Dataverse answering 503 past the gateway's retries and
     * the backfill's own: spotbridge.backfill.retry-seconds is 1 here) ends Failed, as its run
     * does, with one error line that says how to resume it; resumed once Dataverse answers, it
     * brings every row.
     */
    @Test
    void aBackfillWhosePagesKeepFailingIsAnErrorAndResumes() throws Exception {
        String prefix = "failing-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = DataverseSandbox.dataverseSeed("leads", 30, prefix);
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        int mark = Files.readAllLines(log).size();
        DataverseSandbox.dataverseFault("{\"status\":503,\"count\":100000,\"path\":\"leads\"}");
        JsonObject failed;
        long backfill;
        long runId;
        try {
            Http.Answer started = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"lead\"]}");
            assertEquals(202, started.status(), started.body());
            backfill = started.json().getJsonNumber("id").longValue();
            runId = started.json().getJsonNumber("run").longValue();
            failed =
                    await(
                            () -> run(runId),
                            r -> !"Running".equals(r.getString("state")),
                            "run " + runId + " ended",
                            Duration.ofSeconds(120));
        } finally {
            DataverseSandbox.clearDataverseFault();
        }
        assertEquals("Failed", failed.getString("state"), failed.toString());
        assertEquals(
                "Failed",
                AdminApi.adminGet("/api/backfills/" + backfill).json().getString("state"));
        List<String> lines = Files.readAllLines(log);
        List<String> errors =
                lines.subList(Math.min(mark, lines.size()), lines.size()).stream()
                        .filter(l -> l.contains("\"level\":\"SEVERE\""))
                        .toList();
        assertEquals(1, errors.size(), String.join("\n", errors));
        assertTrue(
                errors.get(0).contains("backfill " + backfill + " failed after 4 tries")
                        && errors.get(0).contains("/api/backfills/" + backfill + "/resume")
                        && errors.get(0).contains("503"),
                errors.get(0));
        assertFalse(missingInSpotler(ids).isEmpty(), "nothing written while Dataverse failed");

        Http.Answer resumed = AdminApi.adminPost("/api/backfills/" + backfill + "/resume");
        assertEquals(202, resumed.status(), resumed.body());
        JsonObject end =
                await(
                        () -> run(runId),
                        r -> "Succeeded".equals(r.getString("state")),
                        "run " + runId + " resumed to the end",
                        Duration.ofSeconds(120));
        assertEquals(end.getInt("total"), end.getInt("done"), end.toString());
        assertEquals(List.of(), missingInSpotler(ids), "every seeded lead is in Spotler");
    }

    /**
     * A replay of all dead letters of a record is a run: paused between two messages it answers
     * what it replayed so far, and resumed it replays the rest; every letter is replayed once.
     */
    @Test
    void aReplayOfAllPausesAndResumesReplayingEveryLetterOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        int n = 1_500;
        Probe.deadLetters(id, n, "&event=true");
        // the letters put there now, not copies dead-lettered again while the replay runs
        String to = java.time.Instant.now().plusSeconds(1).toString();
        Http.pause(1_100);
        java.util.concurrent.CompletableFuture<Http.Answer> replay =
                java.util.concurrent.CompletableFuture.supplyAsync(
                        () ->
                                AdminApi.adminPost(
                                        "/api/dead-letters/replay",
                                        "{\"all\":true,\"recordId\":\""
                                                + id
                                                + "\",\"to\":\""
                                                + to
                                                + "\"}"));
        JsonObject running =
                await(
                        () ->
                                AdminApi.adminGet("/api/runs?kind=replay&active=true")
                                        .json()
                                        .getJsonArray("runs")
                                        .stream()
                                        .map(jakarta.json.JsonValue::asJsonObject)
                                        .filter(r -> r.getString("subject", "").contains(id))
                                        .findFirst()
                                        .orElse(null),
                        r -> true,
                        "the replay's run",
                        Duration.ofSeconds(60));
        long runId = running.getJsonNumber("id").longValue();
        assertEquals(202, AdminApi.adminPost("/api/runs/" + runId + "/pause").status());
        Http.Answer first = replay.get(2, java.util.concurrent.TimeUnit.MINUTES);
        assertEquals(200, first.status(), first.body());
        assertTrue(first.json().getBoolean("paused", false), first.body());
        int before = first.json().getInt("replayed");
        assertTrue(before > 0 && before < n, first.body());
        JsonObject paused = run(runId);
        assertEquals("Paused", paused.getString("state"), paused.toString());
        assertEquals(before, paused.getInt("done"), paused.toString());

        assertEquals(202, AdminApi.adminPost("/api/runs/" + runId + "/resume").status());
        JsonObject end =
                await(
                        () -> run(runId),
                        r -> !"Running".equals(r.getString("state")),
                        "replay run finished",
                        Duration.ofSeconds(120));
        assertEquals("Succeeded", end.getString("state"), end.toString());
        assertEquals(n, end.getInt("done"), end.toString());
        assertEquals(n, end.getInt("total"), end.toString());
        assertEquals(100.0, end.getJsonNumber("percent").doubleValue(), end.toString());
        assertTrue(end.getString("detail").startsWith((n - before) + " replayed"), end.toString());
    }

    /** The external ids the Spotler sandbox holds no contact of. */
    private static List<String> missingInSpotler(List<String> ids) {
        JsonArrayBuilder all = Json.createArrayBuilder();
        ids.forEach(all::add);
        Http.Answer a =
                Http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/spotler/_control/contacts/missing"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                Json.createObjectBuilder()
                                                        .add("ids", all)
                                                        .build()
                                                        .toString()))
                                .build());
        assertEquals(200, a.status(), a.body());
        return a.json().getJsonArray("missing").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString)
                .limit(20)
                .toList();
    }
}
