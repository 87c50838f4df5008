package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.SpotlerSandbox.spotlerProperties;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

/** The scheduled work: one run at a time across nodes (run lock), and drift reconciliation. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ScheduledRunsIT {

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
        SpotlerSandbox.clearSpotlerFault();
    }

    @Test
    void twoConcurrentTriggersMakeOneRun() {
        // the first Spotler call of a run takes a while, so the two triggers overlap
        SpotlerSandbox.spotlerFault(
                "{\"status\":0,\"delayMs\":1500,\"count\":1,\"path\":\"updates\"}");
        CompletableFuture<Http.Answer> a =
                CompletableFuture.supplyAsync(() -> AdminApi.adminPost("/api/backsync/run"));
        CompletableFuture<Http.Answer> b =
                CompletableFuture.supplyAsync(() -> AdminApi.adminPost("/api/backsync/run"));
        List<Integer> statuses = new ArrayList<>(List.of(a.join().status(), b.join().status()));
        statuses.sort(Integer::compare);
        assertEquals(List.of(200, 409), statuses, a.join().body() + " / " + b.join().body());
        String refused = a.join().status() == 409 ? a.join().body() : b.join().body();
        assertTrue(refused.contains("holds the lock"), refused);
        // and the lock is free again afterwards
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
    }

    /**
     * The lock is a lease (3 s in the ITs) that the running node renews: a run that lasts more than
     * two leases keeps it, so a trigger in its sixth second is still refused.
     */
    @Test
    void aRunLongerThanItsLeaseKeepsTheLock() throws Exception {
        // every Spotler feed read of the run (4 of them) takes 2 s: the run lasts about 8 s
        SpotlerSandbox.spotlerFault(
                "{\"status\":0,\"delayMs\":2000,\"count\":4,\"method\":\"GET\"}");
        long started = System.nanoTime();
        CompletableFuture<Http.Answer> longRun =
                CompletableFuture.supplyAsync(() -> AdminApi.adminPost("/api/backsync/run"));
        Thread.sleep(5000);
        assertTrue(!longRun.isDone(), "the first run ended within 5 s");
        Http.Answer during = AdminApi.adminPost("/api/backsync/run");
        assertEquals(409, during.status(), during.body());
        // the overview shows it running, its lease renewed
        JsonObject running =
                AdminApi.overview().getJsonObject("runningRuns").getJsonObject("backsync");
        assertEquals("spotbridge-1", running.getString("node"), running.toString());
        assertFalse(running.getBoolean("lapsed"), running.toString());
        assertTrue(
                Instant.parse(running.getString("leaseUntil")).isAfter(Instant.now()),
                running.toString());
        assertEquals(200, longRun.join().status(), longRun.join().body());
        assertTrue(System.nanoTime() - started > 6_000_000_000L, "the run lasted two leases");
        // released at its end, not left to lapse
        assertFalse(AdminApi.overview().getJsonObject("runningRuns").containsKey("backsync"));
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
    }

    @Test
    void driftedSpotlerContactIsFoundReportedAndRepaired() {
        String id = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Drift")
                        .add("lastname", "Check")
                        .add("emailaddress1", "drift." + id.substring(0, 8) + "@example.com")
                        .add("address1_city", "Arnhem")
                        .build());
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("firstname", "Drift");
        columns.put("lastname", "Check");
        columns.put("emailaddress1", "drift." + id.substring(0, 8) + "@example.com");
        columns.put("address1_city", "Arnhem");
        assertEquals(202, webhook(Contexts.create("contact", id, columns, Instant.now())).status());
        await(() -> spotlerContact(id).orElse(null), c -> true, "contact in Spotler");
        AdminApi.awaitHistory("contact", id, 1);

        // someone edits the contact in Spotler
        Http.Answer edit =
                SpotlerSandbox.spotler(
                        "PUT",
                        "/contact/" + id,
                        "{\"purge\":false,\"contact\":{\"externalId\":\""
                                + id
                                + "\",\"properties\":{\"city\":\"Nijmegen\",\"lastName\":\"Changed\"}}}");
        assertEquals(204, edit.status(), edit.body());

        Http.Answer run = AdminApi.adminPost("/api/reconcile/run");
        assertEquals(200, run.status(), run.body());
        JsonObject summary = run.json();
        assertTrue(
                summary.getInt("drifted") >= 1 && summary.getInt("repaired") >= 1,
                summary.toString());
        assertEquals("Arnhem", spotlerProperties(id).getString("city"));
        assertEquals("Check", spotlerProperties(id).getString("lastName"));
        String history =
                AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
        assertTrue(history.contains("city: Spotler 'Nijmegen', D365 'Arnhem'"), history);
        assertTrue(history.contains("Repaired"), history);

        // a second run finds it in sync
        Http.Answer again = AdminApi.adminPost("/api/reconcile/run");
        assertEquals(200, again.status(), again.body());
        String after =
                AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
        assertEquals(
                history.split("Repaired", -1).length,
                after.split("Repaired", -1).length,
                "nothing repaired twice");
    }
}
