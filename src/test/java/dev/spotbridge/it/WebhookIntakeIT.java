package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.AdminApi.record;
import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.send;
import static dev.spotbridge.it.Webhooks.KEY;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The webhook's interface: each bad input gets its status and a JSON message, and nothing is
 * enqueued.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class WebhookIntakeIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static String validCreate(String id) {
        return Contexts.create(
                "contact",
                id,
                Map.of("firstname", "Bad", "emailaddress1", "bad@example.com"),
                Instant.now());
    }

    /**
     * Sends the bad request, then a good one after it; once the good one is processed, the bad one
     * left no trace.
     */
    private static void assertRefused(int status, Http.Answer answer, String badId) {
        assertEquals(status, answer.status(), answer.body());
        assertTrue(
                answer.json().getString("message").length() > 5,
                "a human-readable message: " + answer.body());
        String witness = UUID.randomUUID().toString();
        assertEquals(202, webhook(validCreate(witness)).status());
        awaitHistory("contact", witness, 1);
        assertTrue(
                record("contact", badId).isEmpty(), "nothing was enqueued for the refused request");
    }

    @Test
    void wrongKeyIs401() {
        String id = UUID.randomUUID().toString();
        Http.Answer a = webhook(validCreate(id), "not-the-key");
        assertRefused(401, a, id);
    }

    @Test
    void missingKeyIs401() {
        String id = UUID.randomUUID().toString();
        assertRefused(401, webhook(validCreate(id), null), id);
    }

    @Test
    void keyInQueryParameterCodeAndRotatedKeyAreAccepted() {
        String id = UUID.randomUUID().toString();
        Http.Answer a =
                send(
                        HttpRequest.newBuilder(URI.create(BASE + "/api/d365/webhook?code=" + KEY))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(validCreate(id)))
                                .build());
        assertEquals(202, a.status(), a.body());
        String id2 = UUID.randomUUID().toString();
        assertEquals(202, webhook(validCreate(id2), Webhooks.ROTATED_KEY).status());
        awaitHistory("contact", id, 1);
        awaitHistory("contact", id2, 1);
    }

    @Test
    void malformedJsonIs400() {
        String id = UUID.randomUUID().toString();
        String body = validCreate(id);
        assertRefused(400, webhook(body.substring(0, body.length() - 20)), id);
    }

    @Test
    void jsonThatIsNoRemoteExecutionContextIs400() {
        String id = UUID.randomUUID().toString();
        Http.Answer a = webhook("{\"PrimaryEntityId\":\"" + id + "\",\"hello\":\"world\"}");
        assertRefused(400, a, id);
        assertTrue(a.json().getString("message").contains("MessageName"), a.body());
    }

    @Test
    void oversizedBodyIs413() {
        String id = UUID.randomUUID().toString();
        String padding = "x".repeat(1024 * 1024 + 10);
        String body =
                validCreate(id)
                        .replace(
                                "\"firstname\",\"value\":\"Bad\"",
                                "\"firstname\",\"value\":\"" + padding + "\"");
        assertRefused(413, webhook(body), id);
    }

    @Test
    void notJsonIs415() {
        String id = UUID.randomUUID().toString();
        Http.Answer a =
                send(
                        HttpRequest.newBuilder(URI.create(BASE + "/api/d365/webhook"))
                                .header("Content-Type", "text/plain")
                                .header("x-spotbridge-key", KEY)
                                .POST(HttpRequest.BodyPublishers.ofString(validCreate(id)))
                                .build());
        assertRefused(415, a, id);
    }

    @Test
    void unhandledEntityIs422AndSaysWhich() {
        String id = UUID.randomUUID().toString();
        Http.Answer a =
                webhook(Contexts.create("opportunity", id, Map.of("name", "Deal"), Instant.now()));
        assertEquals(422, a.status(), a.body());
        assertTrue(a.json().getString("message").contains("opportunity"), a.body());
    }

    @Test
    void unhandledMessageIs422AndSaysWhich() {
        String id = UUID.randomUUID().toString();
        Http.Answer a = webhook(Contexts.other("Assign", "contact", id));
        assertRefused(422, a, id);
        assertTrue(a.json().getString("message").contains("Assign"), a.body());
    }

    @Test
    void listSamplesAreAccepted() throws Exception {
        String body =
                new String(
                        WebhookIntakeIT.class
                                .getResourceAsStream("/dataverse-samples/09-list-addmember.json")
                                .readAllBytes());
        Http.Answer a = webhook(body);
        assertEquals(202, a.status(), a.body());
    }

    @Test
    void everyContactSampleIsAccepted() throws Exception {
        for (String sample :
                new String[] {
                    "01-contact-create-async-postop.json",
                    "02-contact-update-pre-post-images.json",
                    "06-lead-create-sync-postop.json",
                    "10-contact-setstatedynamicentity.json",
                    "11-account-create-compact.json"
                }) {
            String body =
                    new String(
                            WebhookIntakeIT.class
                                    .getResourceAsStream("/dataverse-samples/" + sample)
                                    .readAllBytes());
            Http.Answer a = webhook(body);
            assertEquals(202, a.status(), sample + ": " + a.body());
        }
    }

    @Test
    void recordsApiNeedsCredentials() {
        assertEquals(
                401, Http.get(BASE + "/api/records/contact/" + UUID.randomUUID(), null).status());
        assertEquals(
                401,
                Http.get(
                                BASE + "/api/records/contact/" + UUID.randomUUID(),
                                Base64.getEncoder().encodeToString("it-admin:wrong".getBytes()))
                        .status());
    }

    @Test
    void openApiDocumentDescribesTheApi() {
        Http.Answer a = Http.get(BASE + "/openapi?format=JSON", null);
        assertEquals(200, a.status(), a.body());
        JsonObject paths = a.json().getJsonObject("paths");
        assertTrue(paths.containsKey("/api/d365/webhook"), paths.keySet().toString());
        assertTrue(paths.containsKey("/api/records/{entity}/{id}"), paths.keySet().toString());
        assertTrue(paths.containsKey("/api/mapping/dry-run"), paths.keySet().toString());
        assertTrue(paths.containsKey("/api/overview"), paths.keySet().toString());
        assertTrue(
                paths.keySet().stream().noneMatch(p -> p.startsWith("/sandbox")),
                "the sandboxes are not in it");
    }

    @Test
    void metricsInPrometheusFormatShowTheGatewaysCircuitBreakers() {
        String id = UUID.randomUUID().toString();
        assertEquals(202, webhook(validCreate(id)).status());
        awaitHistory("contact", id, 1);
        Http.Answer a = Http.get("http://127.0.0.1:9990/metrics", null);
        assertEquals(200, a.status());
        assertTrue(
                a.body().contains("# TYPE ft_circuitbreaker_state_current gauge"),
                "Prometheus text format");
        assertTrue(
                a.body()
                        .lines()
                        .anyMatch(
                                l ->
                                        l.startsWith("ft_circuitbreaker_state_current")
                                                && l.contains(
                                                        "dev.spotbridge.spotler.SpotlerGateway")
                                                && l.contains("state=\"closed\"")),
                "the Spotler gateway's circuit state is visible");
        assertTrue(a.body().contains("messaging_activemq"), "queue metrics of the broker");
    }

    @Test
    void readinessIsUp() {
        Http.Answer a = Http.get("http://127.0.0.1:9990/health/ready", null);
        assertEquals(200, a.status(), a.body());
        assertTrue(a.body().contains("spotbridge-webhook-intake"), a.body());
        assertTrue(a.body().contains("\"databaseReachable\":true"), a.body());
        assertTrue(a.body().contains("\"queueReachable\":true"), a.body());
    }
}
