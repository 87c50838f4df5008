package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerProperties;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * A sustained Spotler outage: the changes wait on the queue (their history says so, nothing is
 * dead-lettered, no attempt is counted), the circuit breaker opens as the drain keeps trying (every
 * 0.5 s in the ITs' server: spotbridge.sync.outage-retry-ms) so that later changes meet the open
 * circuit, and the backlog drains once Spotler answers again. Own deployment: the breaker's state
 * is per deployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CircuitBreakerIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @Test
    void sustainedOutageOpensTheCircuitAndTheBacklogDrainsAfterwards() {
        outage("{\"status\":503,\"count\":1000,\"path\":\"contact\"}", 10);
    }

    /**
     * Spotler hangs: every call answers only after 4 s, past the read timeout (3 s in the ITs'
     * server, arquillian.xml). The timeouts open the circuit like errors do; the slow calls that
     * Spotler did carry out in the end are not doubled by the retries (the upsert is idempotent).
     */
    @Test
    void sustainedTimeoutsOpenTheCircuitAndTheBacklogDrainsAfterwards() {
        outage("{\"status\":0,\"delayMs\":4000,\"count\":1000,\"path\":\"contact\"}", 20);
    }

    private static void outage(String fault, int contacts) {
        DataverseSandbox.awaitDataverseQuiet();
        long requests = SpotlerSandbox.spotlerRequests();
        SpotlerSandbox.spotlerFault(fault);
        List<String> ids = new ArrayList<>();
        long dataverse;
        try {
            send(ids, contacts);
            dataverse = DataverseSandbox.dataverseRequests();
            // the drain keeps trying (every 0.5 s here) until the breaker has seen enough failed
            // calls (20) to open; changes that come in after that meet the open circuit
            await(
                    SpotlerSandbox::spotlerRequests,
                    n -> n - requests >= 20,
                    "the drain's tries reaching Spotler",
                    Duration.ofSeconds(90));
            List<String> later = new ArrayList<>();
            send(later, 5);
            ids.addAll(later);
            for (String id : ids) {
                await(
                        () -> AdminApi.record("contact", id).map(JsonObject::toString).orElse(""),
                        h -> h.contains("waits on the queue"),
                        "contact " + id + " waiting out the outage",
                        Duration.ofSeconds(60));
            }
            assertTrue(
                    later.stream()
                            .map(id -> AdminApi.record("contact", id).orElseThrow().toString())
                            .anyMatch(h -> h.contains("CircuitBreakerOpenException")),
                    "a change that came in later met the open circuit");
            assertTrue(
                    AdminApi.deadLetters().stream()
                            .noneMatch(
                                    m -> ids.contains(m.asJsonObject().getString("recordId", ""))),
                    "nothing dead-lettered");
            // each try of a held create is still a create: its permission rows are not read from
            // Dataverse at every try (the first read after a start may tell whether the org has
            // the table at all; the minute's sweep may write a sync time of the test before)
            long read = DataverseSandbox.dataverseRequests() - dataverse;
            assertTrue(read <= 3, read + " Dataverse requests while the creates waited");
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        for (String id : ids) {
            await(
                    () -> AdminApi.record("contact", id).map(r -> r.getString("status")).orElse(""),
                    "Succeeded"::equals,
                    "contact " + id + " delivered after the outage",
                    Duration.ofSeconds(90));
            assertEquals("Outage" + id, spotlerProperties(id).getString("firstName"));
        }
    }

    /** n creates of new contacts, named after their ids. */
    private static void send(List<String> ids, int n) {
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            assertEquals(
                    202,
                    webhook(
                                    Contexts.create(
                                            "contact",
                                            id,
                                            Map.of(
                                                    "firstname",
                                                    "Outage" + id,
                                                    "emailaddress1",
                                                    "outage" + i + "@example.com"),
                                            Instant.now()))
                            .status());
        }
    }
}
