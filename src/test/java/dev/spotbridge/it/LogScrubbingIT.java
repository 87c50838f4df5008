package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No personal data, key or secret in the logs at INFO and above: after syncs, failures, retries and
 * refused webhooks, server.log (JSON lines) is searched for every name, address and secret the run
 * used.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LogScrubbingIT {

    private static final Set<String> LOGGED =
            Set.of("INFO", "WARN", "WARNING", "ERROR", "FATAL", "SEVERE");

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
    void logsCarryNoPersonalDataKeysOrSecrets() throws IOException {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String name = "Scrubbington" + tag;
        String email = "scrub." + tag + "@example.com";
        String bad = "scrub." + tag + "@@invalid";
        String ok = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        String retried = UUID.randomUUID().toString();
        webhook(
                Contexts.create(
                        "contact",
                        ok,
                        Map.of("lastname", name, "emailaddress1", email),
                        Instant.now()));
        webhook(
                Contexts.create(
                        "contact",
                        refused,
                        Map.of("lastname", name, "emailaddress1", bad),
                        Instant.now()));
        // both processed before the fault, so that its three 503s all meet the next change (one
        // failed delivery)
        AdminApi.awaitHistory("contact", ok, 1);
        AdminApi.awaitHistory("contact", refused, 1);
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"count\":3,\"method\":\"POST\",\"path\":\"contact\"}");
        String retriedBody =
                Contexts.create(
                        "contact",
                        retried,
                        Map.of("lastname", name, "emailaddress1", "r" + email),
                        Instant.now());
        String correlationId;
        try (JsonReader reader = Json.createReader(new StringReader(retriedBody))) {
            correlationId = reader.readObject().getString("CorrelationId");
        }
        webhook(retriedBody);
        assertEquals(
                401,
                webhook(
                                Contexts.create(
                                        "contact", ok, Map.of("lastname", name), Instant.now()),
                                "wrong-" + tag)
                        .status());
        await(
                () -> AdminApi.record("contact", retried).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "retried");
        await(
                () -> AdminApi.record("contact", refused).orElse(null),
                r -> "Failed".equals(r.getString("status")),
                "refused");

        String retriedHistory =
                AdminApi.record("contact", retried)
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString();
        assertTrue(
                retriedHistory.contains("Retrying"), "the fault made a retry: " + retriedHistory);

        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (!line.startsWith("{")) {
                continue;
            }
            try (JsonReader reader = Json.createReader(new StringReader(line))) {
                JsonObject entry = reader.readObject();
                if (LOGGED.contains(entry.getString("level", ""))) {
                    lines.add(line);
                }
            }
        }
        assertFalse(lines.isEmpty(), "server.log is JSON lines");
        assertTrue(
                lines.stream().anyMatch(l -> l.contains("Spotbridge is up")),
                "the service logs at INFO");
        // intake logs the enqueued webhook with Dataverse's CorrelationId in the log context
        assertTrue(
                lines.stream()
                        .anyMatch(
                                l ->
                                        l.contains("webhook enqueued")
                                                && l.contains(
                                                        "\"correlationId\":\""
                                                                + correlationId
                                                                + "\"")),
                "the intake line carries the correlation id of its webhook");
        // the failed attempt (or the outage it met) is logged with Dataverse's CorrelationId in
        // the log context
        assertTrue(
                lines.stream()
                        .anyMatch(
                                l ->
                                        (l.contains("failed, rolled back for redelivery")
                                                        || l.contains("waits on the queue"))
                                                && l.contains(
                                                        "\"correlationId\":\""
                                                                + correlationId
                                                                + "\"")
                                                && l.contains(
                                                        "\"record\":\"contact:" + retried + "\"")),
                "a retry line carries the correlation id of its webhook");
        for (String secret :
                List.of(
                        name,
                        email,
                        bad,
                        "wrong-" + tag,
                        Webhooks.KEY,
                        Webhooks.ROTATED_KEY,
                        "it-admin-secret",
                        "sandbox-consumer-secret",
                        "sandbox-client-secret",
                        "sbx.",
                        "Kowalski",
                        "anna.kowalski")) {
            for (String line : lines) {
                assertFalse(line.contains(secret), "'" + secret + "' in the log: " + line);
            }
        }
    }
}
