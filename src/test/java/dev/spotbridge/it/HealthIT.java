package dev.spotbridge.it;

import static dev.spotbridge.it.Service.awaitHistory;
import static dev.spotbridge.it.Service.record;
import static dev.spotbridge.it.Service.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
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

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
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
        // a webhook before: the intake's pooled connection exists when the broker goes away
        String before = UUID.randomUUID().toString();
        assertEquals(202, webhook(create(before)).status());
        awaitHistory("contact", before, 1);
        Service.cli(ACCEPTOR + ":stop");
        String refused = UUID.randomUUID().toString();
        try {
            Service.Answer ready = Service.get("http://127.0.0.1:9990/health/ready", null);
            assertEquals(503, ready.status(), ready.body());
            JsonObject check = intakeCheck(ready);
            assertEquals("DOWN", check.getString("status"), check.toString());
            assertEquals(false, check.getJsonObject("data").getBoolean("queueReachable"));
            assertEquals(true, check.getJsonObject("data").getBoolean("databaseReachable"));

            Service.Answer live = Service.get("http://127.0.0.1:9990/health/live", null);
            assertEquals(200, live.status(), live.body());

            // answered at once, not after the broker client's failover wait (the request would time
            // out)
            Service.Answer webhook =
                    Service.send(
                            HttpRequest.newBuilder(URI.create(Service.BASE + "/api/d365/webhook"))
                                    .timeout(Duration.ofSeconds(20))
                                    .header("x-spotbridge-key", Service.KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(create(refused)))
                                    .build());
            assertEquals(503, webhook.status(), webhook.body());
            assertEquals("queue_unavailable", webhook.json().getString("error"));
        } finally {
            Service.cli(ACCEPTOR + ":start");
        }
        Service.Answer ready = Service.get("http://127.0.0.1:9990/health/ready", null);
        assertEquals(200, ready.status(), ready.body());
        assertEquals("UP", intakeCheck(ready).getString("status"));
        assertEquals(
                "closed", intakeCheck(ready).getJsonObject("data").getString("spotlerCircuit"));

        // the intake's pool may still hold a connection from before the outage: the first webhook
        // can meet it and be answered 503 (Dataverse retries it); a retry within seconds is taken
        String accepted = UUID.randomUUID().toString();
        int status = 0;
        for (int attempt = 0; attempt < 10 && status != 202; attempt++) {
            if (attempt > 0) {
                Thread.sleep(500);
            }
            status = webhook(create(accepted)).status();
            assertTrue(status == 202 || status == 503, "status " + status);
        }
        assertEquals(202, status);
        awaitHistory("contact", accepted, 1);
        assertTrue(record("contact", refused).isEmpty(), "the refused webhook left nothing");
    }

    private static JsonObject intakeCheck(Service.Answer ready) {
        return ready.json().getJsonArray("checks").stream()
                .map(c -> c.asJsonObject())
                .filter(c -> "spotbridge-webhook-intake".equals(c.getString("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no intake check: " + ready.body()));
    }
}
