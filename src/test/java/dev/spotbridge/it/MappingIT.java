package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.ADMIN;
import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
 * Mapping changes without a support ticket: a dry run shows per record what a new mapping would
 * change in Spotler and writes nothing; apply puts it in force as the next version, and each change
 * says which version produced it and what it changed (before/after), until the record is blanked.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class MappingIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static String defaultMapping() throws IOException {
        return Files.readString(Path.of("src/main/resources/mapping/default-mapping.json"));
    }

    /** The default mapping with one more contact column: jobtitle → customerType. */
    private static String withJobTitle(String property) throws IOException {
        JsonObject mapping = Http.parse(defaultMapping()).asJsonObject();
        JsonObject entities = mapping.getJsonObject("entities");
        JsonObject contact =
                Json.createObjectBuilder(entities.getJsonObject("contact"))
                        .add("jobtitle", property)
                        .build();
        return Json.createObjectBuilder(mapping)
                .add("entities", Json.createObjectBuilder(entities).add("contact", contact))
                .build()
                .toString();
    }

    private static Http.Answer post(String path, String body) {
        return Http.send(
                HttpRequest.newBuilder(URI.create(BASE + path))
                        .header("Authorization", "Basic " + ADMIN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    private static JsonObject get(String path) {
        Http.Answer a = Http.get(BASE + path, ADMIN);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    @Test
    void dryRunWritesNothingApplyVersionsAndTheTimelineShowsBeforeAndAfter() throws IOException {
        String id = UUID.randomUUID().toString();
        Map<String, Object> columns =
                Map.of(
                        "firstname", "Mia",
                        "lastname", "Berg",
                        "emailaddress1", "mia.berg@example.com",
                        "jobtitle", "Buyer");
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Mia")
                        .add("lastname", "Berg")
                        .add("emailaddress1", "mia.berg@example.com")
                        .add("jobtitle", "Buyer")
                        .build());
        assertEquals(202, webhook(Contexts.create("contact", id, columns, Instant.now())).status());
        awaitHistory("contact", id, 1);
        int before = get("/api/mapping").getInt("version");

        // the dry run: one record would get customerType; nothing is written, nothing changes
        long writes = SpotlerSandbox.spotlerWrites();
        Http.Answer dry =
                post("/api/mapping/dry-run?record=contact:" + id, withJobTitle("customerType"));
        assertEquals(200, dry.status(), dry.body());
        JsonObject answer = dry.json().getJsonArray("records").getJsonObject(0);
        assertEquals("changes", answer.getString("outcome"), answer.toString());
        JsonObject change = answer.getJsonObject("changes").getJsonObject("customerType");
        assertEquals(JsonValue.NULL, change.get("before"));
        assertEquals("Buyer", change.getString("after"));
        assertEquals(1, answer.getJsonObject("changes").size(), "only the new property");
        assertEquals(0, dry.json().getJsonArray("unknownSpotlerProperties").size());
        assertEquals(
                writes, SpotlerSandbox.spotlerWrites(), "the dry run wrote nothing to Spotler");
        assertFalse(SpotlerSandbox.spotlerProperties(id).containsKey("customerType"));
        assertEquals(before, get("/api/mapping").getInt("version"), "nothing applied");

        // refused mappings change nothing
        assertEquals(400, post("/api/mapping/dry-run", "{not json").status());
        assertEquals(
                400,
                post("/api/mapping", "{\"entities\":{\"opportunity\":{\"name\":\"x\"}}}").status());
        assertEquals(
                400, post("/api/mapping/dry-run?record=contact:nope", defaultMapping()).status());
        Http.Answer unknown = post("/api/mapping", withJobTitle("shoeSize"));
        assertEquals(422, unknown.status(), unknown.body());
        assertTrue(unknown.body().contains("shoeSize"), unknown.body());
        assertEquals(before, get("/api/mapping").getInt("version"));

        try {
            // apply: the next version is in force, and says who applied it
            Http.Answer applied =
                    post(
                            "/api/mapping?note=job%20title%20to%20Spotler",
                            withJobTitle("customerType"));
            assertEquals(201, applied.status(), applied.body());
            int version = applied.json().getInt("version");
            assertEquals(before + 1, version);
            JsonObject inForce = get("/api/mapping");
            assertEquals(version, inForce.getInt("version"));
            assertEquals("admin", inForce.getString("origin"));
            assertEquals("job title to Spotler", inForce.getString("note"));
            assertTrue(inForce.containsKey("appliedBy"), inForce.toString());
            assertEquals(
                    "customerType",
                    inForce.getJsonObject("mapping")
                            .getJsonObject("entities")
                            .getJsonObject("contact")
                            .getString("jobtitle"));
            assertTrue(get("/api/mapping/versions").getJsonArray("versions").size() >= 2);

            // the next change of the record is mapped with it, and says so
            Map<String, Object> changed = Map.of("lastname", "Berg-Olsen");
            Map<String, Object> image =
                    Map.of(
                            "firstname", "Mia",
                            "lastname", "Berg-Olsen",
                            "emailaddress1", "mia.berg@example.com",
                            "jobtitle", "Buyer");
            assertEquals(
                    202,
                    webhook(
                                    Contexts.update(
                                            "contact",
                                            id,
                                            changed,
                                            image,
                                            Instant.now().plusSeconds(5),
                                            UUID.randomUUID().toString()))
                            .status());
            JsonObject record = awaitHistory("contact", id, 2);
            assertEquals("Buyer", SpotlerSandbox.spotlerProperties(id).getString("customerType"));
            List<JsonObject> events = AdminApi.events(record);
            JsonObject first = events.get(0);
            JsonObject last = events.get(events.size() - 1);
            assertEquals(before, first.getInt("mappingVersion"), first.toString());
            assertEquals(
                    "Mia",
                    first.getJsonObject("changes").getJsonObject("firstName").getString("after"));
            assertEquals(version, last.getInt("mappingVersion"), last.toString());
            JsonObject lastName = last.getJsonObject("changes").getJsonObject("lastName");
            assertEquals("Berg", lastName.getString("before"));
            assertEquals("Berg-Olsen", lastName.getString("after"));
            assertEquals(
                    "Buyer",
                    last.getJsonObject("changes").getJsonObject("customerType").getString("after"));

            // deleted: the values leave the timeline with the data; which properties changed stays
            assertEquals(202, webhook(Contexts.delete("contact", id)).status());
            record = awaitHistory("contact", id, 3);
            for (String value : List.of("Mia", "Berg", "Buyer")) {
                assertFalse(
                        record.toString().contains(value),
                        "no personal values kept after the delete: " + record);
            }
            assertTrue(
                    AdminApi.events(record)
                            .get(0)
                            .getJsonObject("changes")
                            .getJsonObject("firstName")
                            .getBoolean("erased"),
                    record.toString());
        } finally {
            // later test classes share the database: the default mapping goes back in force
            assertEquals(201, post("/api/mapping?note=restore", defaultMapping()).status());
        }
    }
}
