package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Webhooks.webhook;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator watches: Spotbridge's own Prometheus counters move with the work, and the
 * overview shows the broker's queues, the circuit breakers and the last scheduled runs.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static String metrics() {
        Http.Answer a = Http.get("http://127.0.0.1:9990/metrics", null);
        assertEquals(200, a.status());
        return a.body();
    }

    /** The sum of the samples of a metric whose labels contain every given label="value". */
    static double sample(String metrics, String name, String... labels) {
        return metrics.lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(
                        l -> {
                            for (String label : labels) {
                                if (!l.contains(label)) {
                                    return false;
                                }
                            }
                            return true;
                        })
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static String create(String id) {
        return Contexts.create(
                "contact",
                id,
                Map.of("firstname", "Metric", "emailaddress1", "metric@example.com"),
                Instant.now());
    }

    @Test
    void countersMoveWithWebhooksProcessingAndCalls() {
        String before = metrics();
        String id = UUID.randomUUID().toString();
        assertEquals(401, webhook(create(UUID.randomUUID().toString()), "wrong-key").status());
        assertEquals(400, webhook("{not json").status());
        assertEquals(202, webhook(create(id)).status());
        awaitHistory("contact", id, 1);
        String after =
                Http.await(
                        OperationsIT::metrics,
                        m ->
                                sample(m, "spotbridge_end_to_end_seconds_count")
                                        > sample(before, "spotbridge_end_to_end_seconds_count"),
                        "the end-to-end latency recorded");

        assertEquals(
                3,
                sample(after, "spotbridge_webhooks_received_total")
                        - sample(before, "spotbridge_webhooks_received_total"));
        assertEquals(
                1,
                sample(
                                after,
                                "spotbridge_webhooks_rejected_total",
                                "reason=\"unauthorized\"",
                                "status=\"401\"")
                        - sample(
                                before,
                                "spotbridge_webhooks_rejected_total",
                                "reason=\"unauthorized\""));
        assertEquals(
                1,
                sample(after, "spotbridge_webhooks_rejected_total", "reason=\"malformed_json\"")
                        - sample(
                                before,
                                "spotbridge_webhooks_rejected_total",
                                "reason=\"malformed_json\""));
        assertEquals(
                1,
                sample(after, "spotbridge_webhooks_enqueued_total", "entity=\"contact\"")
                        - sample(
                                before,
                                "spotbridge_webhooks_enqueued_total",
                                "entity=\"contact\""));
        assertTrue(
                sample(after, "spotbridge_changes_processed_total", "outcome=\"written\"")
                        > sample(
                                before,
                                "spotbridge_changes_processed_total",
                                "outcome=\"written\""),
                "the write counted by outcome");
        assertTrue(
                sample(
                                after,
                                "spotbridge_outbound_calls_total",
                                "api=\"spotler\"",
                                "status=\"200\"")
                        > sample(
                                before,
                                "spotbridge_outbound_calls_total",
                                "api=\"spotler\"",
                                "status=\"200\""),
                "the Spotler call counted by status");
        assertTrue(
                sample(after, "spotbridge_end_to_end_buckets_total", "le=\"+Inf\"")
                        > sample(before, "spotbridge_end_to_end_buckets_total", "le=\"+Inf\""),
                "the latency histogram's buckets move");
        assertTrue(
                after.lines()
                        .filter(l -> l.startsWith("spotbridge_"))
                        .noneMatch(l -> l.contains(id) || l.contains("@")),
                "no record id or email address in a label");
    }

    @Test
    void aRefusedChangeIsCountedAsDeadLettered() {
        String before = metrics();
        SpotlerSandbox.spotlerFault("{\"status\":400,\"count\":1,\"path\":\"contact\"}");
        try {
            String id = UUID.randomUUID().toString();
            assertEquals(202, webhook(create(id)).status());
            AdminApi.deadLetterOf(id);
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        String after =
                Http.await(
                        OperationsIT::metrics,
                        m ->
                                sample(m, "spotbridge_dead_lettered_total", "why=\"refused\"")
                                        > sample(
                                                before,
                                                "spotbridge_dead_lettered_total",
                                                "why=\"refused\""),
                        "the dead letter counted");
        assertTrue(
                sample(
                                after,
                                "spotbridge_outbound_calls_total",
                                "api=\"spotler\"",
                                "status=\"400\"")
                        >= 1);
    }

    @Test
    void overviewShowsBrokerQueuesCircuitsAndTheLastRunsOutcome() {
        // a back-sync run with a feed that fails: Spotler refuses the contact-updates feed; the
        // other feeds still run, that one keeps its watermark
        SpotlerSandbox.spotlerFault("{\"status\":400,\"count\":1,\"path\":\"contact/updates\"}");
        try {
            Http.Answer partly = AdminApi.adminPost("/api/backsync/run");
            assertEquals(200, partly.status(), partly.body());
            JsonObject failedFeeds = partly.json().getJsonObject("failedFeeds");
            assertTrue(
                    failedFeeds.getString("spotler-contact-updates").contains("400"),
                    partly.body());
            assertEquals(1, failedFeeds.size(), partly.body());
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        JsonObject overview = AdminApi.overview();
        JsonObject run = overview.getJsonObject("lastRuns").getJsonObject("backsync");
        assertEquals("PartlySucceeded", run.getString("outcome"), run.toString());
        assertTrue(run.getString("detail").contains("400"), run.toString());

        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        overview = AdminApi.overview();
        run = overview.getJsonObject("lastRuns").getJsonObject("backsync");
        assertEquals("Succeeded", run.getString("outcome"), run.toString());

        JsonObject sync = overview.getJsonObject("queues").getJsonObject("sync");
        assertEquals("broker", sync.getString("source"), sync.toString());
        // the drain's threads (2) each hold a consumer while they wait for or take a batch, and
        // open a new one for the next: a reading can fall between two batches of both
        await(
                () -> AdminApi.overview().getJsonObject("queues").getJsonObject("sync"),
                q -> q.getInt("consumers") >= 1 && q.getInt("consumers") <= 2,
                "one or two drain consumers on the sync queue");
        JsonObject jobs = overview.getJsonObject("queues").getJsonObject("jobs");
        assertEquals(4, jobs.getInt("consumers"), "the jobs consumer's sessions: " + jobs);
        JsonObject spotler = overview.getJsonObject("circuits").getJsonObject("spotler");
        assertEquals("closed", spotler.getString("state"), spotler.toString());
        assertEquals(
                "closed",
                spotler.getJsonObject("calls").getString("changedContacts"),
                "the breaker of the call the run made: " + spotler);

        // the run moved the feeds' watermarks: the back-sync lag is a metric
        String metrics = metrics();
        assertTrue(
                metrics.lines()
                        .anyMatch(
                                l ->
                                        l.startsWith("spotbridge_backsync_lag_seconds{")
                                                && l.contains("feed=\"spotler-contact-updates\"")),
                "back-sync lag per feed");
    }
}
