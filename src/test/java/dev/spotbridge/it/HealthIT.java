package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.AdminApi.record;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Readiness follows the broker: with the broker unreachable (its in-VM acceptor stopped through the
 * management CLI, as an operator could) readiness is DOWN, webhooks get 503 and nothing is
 * accepted, liveness stays UP (a restart would not help); once the broker is back, all is UP and
 * webhooks flow again.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HealthIT {

    private static final String ACCEPTOR =
            "/subsystem=messaging-activemq/server=default/in-vm-acceptor=in-vm";

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static String create(String id) {
        return Contexts.create(
                "contact",
                id,
                Map.of("firstname", "Health", "emailaddress1", "health@example.com"),
                Instant.now());
    }

    @Test
    void readinessIsDownWhileTheBrokerIsUnreachable() throws Exception {
        // webhooks at once before: the intake's pool holds several connections when the broker
        // goes away
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            before.add(UUID.randomUUID().toString());
        }
        ExecutorService senders = Executors.newFixedThreadPool(before.size());
        try {
            List<Future<Http.Answer>> sent = new ArrayList<>();
            for (String id : before) {
                sent.add(senders.submit(() -> webhook(create(id))));
            }
            for (Future<Http.Answer> answer : sent) {
                assertEquals(202, answer.get().status());
            }
        } finally {
            senders.shutdown();
        }
        for (String id : before) {
            awaitHistory("contact", id, 1);
        }
        Http.cli(ACCEPTOR + ":stop");
        String refused = UUID.randomUUID().toString();
        try {
            Http.Answer ready = Http.get("http://127.0.0.1:9990/health/ready", null);
            assertEquals(503, ready.status(), ready.body());
            JsonObject check = intakeCheck(ready);
            assertEquals("DOWN", check.getString("status"), check.toString());
            assertEquals(false, check.getJsonObject("data").getBoolean("queueReachable"));
            assertEquals(true, check.getJsonObject("data").getBoolean("databaseReachable"));

            Http.Answer live = Http.get("http://127.0.0.1:9990/health/live", null);
            assertEquals(200, live.status(), live.body());

            // answered at once, not after the broker client's failover wait (the request would time
            // out)
            Http.Answer webhook =
                    Http.send(
                            HttpRequest.newBuilder(URI.create(Http.BASE + "/api/d365/webhook"))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("x-spotbridge-key", Webhooks.KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(create(refused)))
                                    .build());
            assertEquals(503, webhook.status(), webhook.body());
            assertEquals("queue_unavailable", webhook.json().getString("error"));
        } finally {
            Http.cli(ACCEPTOR + ":start");
        }
        Http.Answer ready = Http.get("http://127.0.0.1:9990/health/ready", null);
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", intakeCheck(ready).getString("status"));
        assertEquals(
                "closed", intakeCheck(ready).getJsonObject("data").getString("spotlerCircuit"));

        // the pool's connections from before the outage are dead: each webhook after the recovery
        // is taken at once (a send that meets a dead connection is tried again on a new one)
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String id = UUID.randomUUID().toString();
            Http.Answer answer = webhook(create(id));
            assertEquals(
                    202, answer.status(), "webhook " + i + " after the recovery: " + answer.body());
            after.add(id);
        }
        for (String id : after) {
            awaitHistory("contact", id, 1);
        }
        assertTrue(record("contact", refused).isEmpty(), "the refused webhook left nothing");
    }

    private static JsonObject intakeCheck(Http.Answer ready) {
        return ready.json().getJsonArray("checks").stream()
                .map(c -> c.asJsonObject())
                .filter(c -> "spotbridge-webhook-intake".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no intake check: " + ready.body()));
    }
}
