package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One trace per change: the webhook's trace id is in the record's history, the node's spans of it
 * run from the webhook intake through the queue wait and the decision to the Spotler call and the
 * write-back to Dataverse, and a log line about the change names the trace.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class TracingIT {

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
    void aWebhooksTraceRunsFromIntakeToSpotlerAndIsInTheHistoryAndTheLog() throws Exception {
        String id = UUID.randomUUID().toString();
        Map<String, Object> columns =
                Map.of(
                        "firstname",
                        "Trace",
                        "lastname",
                        "Able",
                        "emailaddress1",
                        "trace." + id.substring(0, 8) + "@example.com");
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Trace")
                        .add("lastname", "Able")
                        .add("emailaddress1", "trace." + id.substring(0, 8) + "@example.com")
                        .build());
        Path log = Path.of(System.getProperty("jboss.home"), "standalone", "log", "server.log");
        int mark = Files.readAllLines(log).size();
        // Spotler away for the first attempt (all the gateway's retries): a warning about the
        // change
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"count\":3,\"method\":\"POST\",\"path\":\"contact\"}");
        assertEquals(202, webhook(Contexts.create("contact", id, columns, Instant.now())).status());

        JsonObject record =
                await(
                        () -> AdminApi.record("contact", id).orElse(null),
                        r -> "Succeeded".equals(r.getString("status")),
                        "contact Succeeded");
        String traceId =
                record.getJsonArray("history").stream()
                        .map(JsonValue::asJsonObject)
                        .filter(e -> e.containsKey("traceId"))
                        .map(e -> e.getString("traceId"))
                        .findFirst()
                        .orElse(null);
        assertNotNull(traceId, "the history names the trace: " + record);
        assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);

        // the write-back comes after the Spotler write: wait for its span too
        JsonObject trace =
                await(
                        () -> {
                            Http.Answer a = AdminApi.adminGet("/api/traces/" + traceId);
                            return a.status() == 200 ? a.json() : null;
                        },
                        t -> names(t).contains("write-back batch"),
                        "the trace's write-back span");
        List<String> names = names(trace);
        JsonObject intake =
                span(
                                trace,
                                s ->
                                        "SERVER".equals(s.getString("kind"))
                                                && s.toString().contains("webhook"))
                        .orElseThrow(() -> new AssertionError("no intake span: " + names));
        assertTrue(names.contains("queue wait spotbridge-sync"), names.toString());
        assertTrue(names.contains("decide Create contact"), names.toString());
        JsonObject batch =
                span(trace, s -> s.getString("name").equals("sync batch"))
                        .orElseThrow(() -> new AssertionError("no batch span: " + names));
        JsonObject spotlerCall =
                span(
                                trace,
                                s ->
                                        "CLIENT".equals(s.getString("kind"))
                                                && s.getJsonObject("attributes")
                                                        .getString("url.path", "")
                                                        .contains("contact")
                                                && batch.getString("spanId")
                                                        .equals(s.getString("parentSpanId", "")))
                        .orElseThrow(
                                () -> new AssertionError("no Spotler call in the batch: " + trace));
        assertEquals(intake.getString("spanId"), batch.getString("parentSpanId"), trace.toString());
        assertNotNull(spotlerCall);

        // the outage's warning about the change names its trace
        List<String> lines = Files.readAllLines(log);
        List<String> about =
                lines.subList(Math.min(mark, lines.size()), lines.size()).stream()
                        .filter(l -> l.contains("contact:" + id) && l.contains("WARN"))
                        .toList();
        assertTrue(!about.isEmpty(), "a warning about the change");
        assertTrue(
                about.stream().allMatch(l -> l.contains("\"traceId\":\"" + traceId + "\"")),
                String.join("\n", about));

        assertEquals(404, AdminApi.adminGet("/api/traces/" + "0".repeat(32)).status());
    }

    private static List<String> names(JsonObject trace) {
        return trace.getJsonArray("spans").stream()
                .map(v -> v.asJsonObject().getString("name"))
                .toList();
    }

    private static Optional<JsonObject> span(
            JsonObject trace, java.util.function.Predicate<JsonObject> which) {
        return trace.getJsonArray("spans").stream()
                .map(JsonValue::asJsonObject)
                .filter(which)
                .findFirst();
    }
}
