package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.SpotlerSandbox.spotlerProperties;
import static dev.spotbridge.it.Webhooks.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A corpus of bad and awkward webhook deliveries, each answered as the interface says (401, 415,
 * 413, 400, 422 with a JSON error; 202 for awkward but valid input), nothing enqueued for a refused
 * one (the enqueued counter does not move), and the service healthy after all of them.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class BadInputCorpusIT {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    /** One delivery: the body and headers, the expected status and error code. */
    record Case(String name, byte[] body, Map<String, String> headers, int status, String error) {}

    private static Map<String, String> json(String key) {
        return Map.of("Content-Type", "application/json", "x-spotbridge-key", key);
    }

    private static String valid(String id) {
        return Contexts.create(
                "contact",
                id,
                Map.of("firstname", "Corpus", "emailaddress1", "corpus@example.com"),
                Instant.now());
    }

    /** A valid context with one top-level field changed (or removed, for null). */
    private static String with(String field, JsonValue value) {
        JsonObject context = Http.parse(valid(UUID.randomUUID().toString())).asJsonObject();
        JsonObjectBuilder b = Json.createObjectBuilder(context);
        if (value == null) {
            b.remove(field);
        } else {
            b.add(field, value);
        }
        return b.build().toString();
    }

    /** A valid context whose Target entity is changed by f. */
    private static String withTarget(UnaryOperator<JsonObject> f) {
        JsonObject context = Http.parse(valid(UUID.randomUUID().toString())).asJsonObject();
        JsonArray inputs = context.getJsonArray("InputParameters");
        JsonObject pair = inputs.getJsonObject(0);
        JsonObject target = f.apply(pair.getJsonObject("value"));
        return Json.createObjectBuilder(context)
                .add(
                        "InputParameters",
                        Json.createArrayBuilder()
                                .add(Json.createObjectBuilder(pair).add("value", target)))
                .build()
                .toString();
    }

    private static Case refused(String name, String body, int status, String error) {
        return new Case(name, bytes(body), json(KEY), status, error);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<Case> refusedCorpus() {
        String good = valid(UUID.randomUUID().toString());
        List<Case> cases = new ArrayList<>();
        // keys
        cases.add(new Case("no key", bytes(good), JSON, 401, "unauthorized"));
        cases.add(new Case("wrong key", bytes(good), json("not-the-key"), 401, "unauthorized"));
        cases.add(
                new Case("old key", bytes(good), json("it-webhook-key-old"), 401, "unauthorized"));
        cases.add(new Case("empty key", bytes(good), json(""), 401, "unauthorized"));
        cases.add(
                new Case(
                        "key differs in case",
                        bytes(good),
                        json(KEY.toUpperCase()),
                        401,
                        "unauthorized"));
        // media type and size
        cases.add(
                new Case(
                        "text/plain",
                        bytes(good),
                        Map.of("Content-Type", "text/plain", "x-spotbridge-key", KEY),
                        415,
                        "unsupported_media_type"));
        cases.add(
                new Case(
                        "xml",
                        bytes("<context/>"),
                        Map.of("Content-Type", "application/xml", "x-spotbridge-key", KEY),
                        415,
                        "unsupported_media_type"));
        cases.add(
                new Case(
                        "form",
                        bytes("a=b"),
                        Map.of(
                                "Content-Type",
                                "application/x-www-form-urlencoded",
                                "x-spotbridge-key",
                                KEY),
                        415,
                        "unsupported_media_type"));
        byte[] tenMegabytes = new byte[10 * 1024 * 1024];
        Arrays.fill(tenMegabytes, (byte) ' ');
        tenMegabytes[0] = '{';
        tenMegabytes[tenMegabytes.length - 1] = '}';
        cases.add(new Case("10 MB body", tenMegabytes, json(KEY), 413, "payload_too_large"));
        // not JSON, or not an object
        cases.add(refused("empty body", "", 400, "malformed_json"));
        cases.add(
                refused(
                        "truncated JSON",
                        good.substring(0, good.length() / 2),
                        400,
                        "malformed_json"));
        cases.add(refused("trailing garbage", good + "}}", 400, "malformed_json"));
        cases.add(refused("JSON array", "[" + good + "]", 400, "not_a_remote_execution_context"));
        cases.add(refused("JSON null", "null", 400, "not_a_remote_execution_context"));
        cases.add(refused("JSON string", "\"Create\"", 400, "not_a_remote_execution_context"));
        cases.add(refused("JSON number", "42", 400, "not_a_remote_execution_context"));
        cases.add(refused("empty object", "{}", 400, "not_a_remote_execution_context"));
        cases.add(
                new Case(
                        "invalid UTF-8",
                        new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                        json(KEY),
                        400,
                        "malformed_json"));
        cases.add(refused("nested 100000 deep", "[".repeat(100_000), 400, "malformed_json"));
        // wrong types and missing parts of the context
        cases.add(
                refused(
                        "MessageName a number",
                        with("MessageName", Json.createValue(7)),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "MessageName missing",
                        with("MessageName", null),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "PrimaryEntityId not a GUID",
                        with("PrimaryEntityId", Json.createValue("42; DROP TABLE sync_record")),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "PrimaryEntityId missing",
                        with("PrimaryEntityId", null),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "PrimaryEntityName missing",
                        with("PrimaryEntityName", null),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "InputParameters a string",
                        with("InputParameters", Json.createValue("Target")),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "PostEntityImages an object",
                        with("PostEntityImages", JsonValue.EMPTY_JSON_OBJECT),
                        400,
                        "not_a_remote_execution_context"));
        cases.add(
                refused(
                        "Target Attributes a string",
                        withTarget(t -> Json.createObjectBuilder(t).add("Attributes", "x").build()),
                        400,
                        "not_a_remote_execution_context"));
        // well-formed but not ours
        cases.add(
                refused(
                        "unknown entity",
                        with("PrimaryEntityName", Json.createValue("opportunity")),
                        422,
                        "not_handled"));
        cases.add(
                refused(
                        "unknown message",
                        with("MessageName", Json.createValue("Merge")),
                        422,
                        "not_handled"));
        cases.add(
                refused(
                        "injection as entity",
                        with(
                                "PrimaryEntityName",
                                Json.createValue("contact'; DROP TABLE sync_record;--")),
                        422,
                        "not_handled"));
        return cases;
    }

    private static Http.Answer deliver(Case c) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(BASE + "/api/d365/webhook"))
                        .timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(c.body()));
        c.headers().forEach(request::header);
        return Http.send(request.build());
    }

    private static double enqueued() {
        return OperationsIT.sample(
                Http.get("http://127.0.0.1:9990/metrics", null).body(),
                "spotbridge_webhooks_enqueued_total");
    }

    @Test
    void everyRefusedDeliveryIsAnsweredAsTheInterfaceSaysAndNothingIsEnqueued() {
        List<Case> corpus = refusedCorpus();
        double before = enqueued();
        List<String> wrong = new ArrayList<>();
        for (Case c : corpus) {
            Http.Answer a = deliver(c);
            String error = null;
            try {
                error = a.json().getString("error", null);
            } catch (RuntimeException notJson) {
                // recorded as wrong below
            }
            if (a.status() != c.status() || !c.error().equals(error)) {
                wrong.add(
                        c.name()
                                + ": expected "
                                + c.status()
                                + " "
                                + c.error()
                                + ", got "
                                + a.status()
                                + " "
                                + a.body().substring(0, Math.min(300, a.body().length())));
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(before, enqueued(), "nothing enqueued for any of " + corpus.size() + " cases");
        assertTrue(corpus.size() >= 28, "the refused part of the corpus");

        // healthy after: ready, and a good webhook goes through
        assertEquals(200, Http.get("http://127.0.0.1:9990/health/ready", null).status());
        String id = UUID.randomUUID().toString();
        assertEquals(202, Webhooks.webhook(valid(id)).status());
        awaitHistory("contact", id, 1);
    }

    @Test
    void awkwardButValidDeliveriesArriveVerbatimOnceAndInOrder() {
        // injection strings and unicode are data: accepted and written as they are
        String injection = UUID.randomUUID().toString();
        String hostile =
                "Robert'); DROP TABLE sync_record;-- <script>alert(1)</script> ${jndi:ldap://x}";
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.create(
                                        "contact",
                                        injection,
                                        Map.of(
                                                "firstname",
                                                hostile,
                                                "emailaddress1",
                                                "bobby@example.com"),
                                        Instant.now()))
                        .status());
        String unicode = UUID.randomUUID().toString();
        String name = "Zoë Ñúñez 山田 太郎 \uD83D\uDE00 \u202Eevil";
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.create(
                                        "contact",
                                        unicode,
                                        Map.of(
                                                "firstname",
                                                name,
                                                "emailaddress1",
                                                "zoe@example.com"),
                                        Instant.now()))
                        .status());
        awaitHistory("contact", injection, 1);
        awaitHistory("contact", unicode, 1);
        assertEquals(hostile, spotlerProperties(injection).getString("firstName"));
        assertEquals(name, spotlerProperties(unicode).getString("firstName"));

        // the same delivery three times: one effect
        String duplicate = UUID.randomUUID().toString();
        String once = valid(duplicate);
        long writes = SpotlerSandbox.spotlerWrites();
        for (int i = 0; i < 3; i++) {
            assertEquals(202, Webhooks.webhook(once).status());
        }
        JsonObject record =
                Http.await(
                        () -> AdminApi.record("contact", duplicate).orElse(null),
                        r -> AdminApi.events(r).size() >= 3,
                        "three deliveries answered");
        assertEquals(
                1,
                SpotlerSandbox.spotlerWrites() - writes,
                "one Spotler write for three deliveries");
        assertEquals("Succeeded", record.getString("status"));

        // out of order: the newer change arrives first; the older one does not overwrite it
        String ordered = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(60);
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.create(
                                        "contact",
                                        ordered,
                                        Map.of(
                                                "firstname",
                                                "First",
                                                "emailaddress1",
                                                "order@example.com"),
                                        t0))
                        .status());
        awaitHistory("contact", ordered, 1);
        Map<String, Object> newer =
                Map.of("firstname", "Newest", "emailaddress1", "order@example.com");
        Map<String, Object> older =
                Map.of("firstname", "Older", "emailaddress1", "order@example.com");
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.update(
                                        "contact",
                                        ordered,
                                        newer,
                                        newer,
                                        t0.plusSeconds(20),
                                        UUID.randomUUID().toString()))
                        .status());
        awaitHistory("contact", ordered, 2);
        assertEquals(
                202,
                Webhooks.webhook(
                                Contexts.update(
                                        "contact",
                                        ordered,
                                        older,
                                        older,
                                        t0.plusSeconds(10),
                                        UUID.randomUUID().toString()))
                        .status());
        awaitHistory("contact", ordered, 3);
        assertEquals("Newest", spotlerProperties(ordered).getString("firstName"));
    }
}
