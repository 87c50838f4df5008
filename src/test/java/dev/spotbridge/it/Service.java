package dev.spotbridge.it;

import dev.spotbridge.spotler.OAuth1Signer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The running service, its sandboxes and their controls, as the ITs see them over HTTP: webhooks
 * in, the records API, and what the Spotler and Dataverse sandboxes hold.
 */
final class Service {

    static final String BASE = "http://127.0.0.1:8080";
    static final String KEY = "it-webhook-key";
    static final String ROTATED_KEY = "it-webhook-key-next";
    static final String ADMIN =
            Base64.getEncoder()
                    .encodeToString("it-admin:it-admin-secret".getBytes(StandardCharsets.UTF_8));
    static final String SPOTLER = BASE + "/sandbox/spotler/integrationservice";

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Service() {}

    record Answer(int status, String body) {
        JsonObject json() {
            return parse(body).asJsonObject();
        }
    }

    static Answer webhook(String body) {
        return webhook(body, KEY);
    }

    static Answer webhook(String body, String key) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(BASE + "/api/d365/webhook"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("x-spotbridge-key", key);
        }
        return send(request.build());
    }

    static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> response =
                    HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (Exception e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    static Answer get(String url, String basic) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (basic != null) {
            request.header("Authorization", "Basic " + basic);
        }
        return send(request.build());
    }

    /** The records API answer for a record, or empty while Spotbridge has not seen it. */
    static Optional<JsonObject> record(String entity, String id) {
        Answer answer = get(BASE + "/api/records/" + entity + "/" + id, ADMIN);
        if (answer.status() == 404) {
            return Optional.empty();
        }
        if (answer.status() != 200) {
            throw new IllegalStateException("records API answered " + answer);
        }
        return Optional.of(answer.json());
    }

    /** The contact as the Spotler sandbox holds it (its GET /contact/{id} view), or empty. */
    static Optional<JsonObject> spotlerContact(String id) {
        Answer answer = get(BASE + "/sandbox/spotler/_control/contacts/" + id, null);
        return answer.status() == 200 ? Optional.of(answer.json()) : Optional.empty();
    }

    static JsonObject spotlerProperties(String id) {
        return spotlerContact(id).orElseThrow().getJsonObject("properties");
    }

    static long spotlerWrites() {
        return get(BASE + "/sandbox/spotler/_control/stats", null)
                .json()
                .getJsonNumber("writes")
                .longValue();
    }

    static long refusedSignatures() {
        return get(BASE + "/sandbox/spotler/_control/stats", null)
                .json()
                .getJsonNumber("refusedSignatures")
                .longValue();
    }

    static void spotlerFault(String spec) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(BASE + "/sandbox/spotler/_control/faults"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(spec))
                                .build());
        if (a.status() != 204) {
            throw new IllegalStateException("fault switch answered " + a);
        }
    }

    static void clearSpotlerFault() {
        send(
                HttpRequest.newBuilder(URI.create(BASE + "/sandbox/spotler/_control/faults"))
                        .DELETE()
                        .build());
    }

    /** A signed request to the Spotler sandbox's real API, as any Spotler client would make it. */
    static Answer spotler(String method, String path, String json) {
        URI uri = URI.create(SPOTLER + path);
        String auth =
                new OAuth1Signer("sandbox-consumer-key", "sandbox-consumer-secret")
                        .authorization(method, uri);
        return send(
                HttpRequest.newBuilder(uri)
                        .header("Authorization", auth)
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                json == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(json))
                        .build());
    }

    /**
     * Writes a row into the Dataverse sandbox through its Web API (PATCH upsert), with a
     * client-credentials token.
     */
    static void dataverseUpsert(String set, String id, JsonObject columns) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/dataverse/api/data/v9.2/"
                                                        + set
                                                        + "("
                                                        + id
                                                        + ")"))
                                .header("Authorization", "Bearer " + dataverseToken())
                                .header("Content-Type", "application/json")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(columns.toString()))
                                .build());
        if (a.status() != 204) {
            throw new IllegalStateException("Dataverse sandbox answered " + a);
        }
    }

    /** A row of the Dataverse sandbox as the Web API returns it (lookups as _x_value), or empty. */
    static Optional<JsonObject> dataverseRow(String set, String id) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/dataverse/api/data/v9.2/"
                                                        + set
                                                        + "("
                                                        + id
                                                        + ")"))
                                .header("Authorization", "Bearer " + dataverseToken())
                                .GET()
                                .build());
        return a.status() == 200 ? Optional.of(a.json()) : Optional.empty();
    }

    /** Rows of the Dataverse sandbox matching an OData $filter. */
    static JsonArray dataverseRows(String set, String filter) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/dataverse/api/data/v9.2/"
                                                        + set
                                                        + "?$filter="
                                                        + URLEncoder.encode(
                                                                        filter,
                                                                        StandardCharsets.UTF_8)
                                                                .replace("+", "%20")))
                                .header("Authorization", "Bearer " + dataverseToken())
                                .GET()
                                .build());
        if (a.status() != 200) {
            throw new IllegalStateException("Dataverse sandbox answered " + a);
        }
        return a.json().getJsonArray("value");
    }

    static void dataverseDelete(String set, String id) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/dataverse/api/data/v9.2/"
                                                        + set
                                                        + "("
                                                        + id
                                                        + ")"))
                                .header("Authorization", "Bearer " + dataverseToken())
                                .DELETE()
                                .build());
        if (a.status() != 204) {
            throw new IllegalStateException("Dataverse sandbox answered " + a);
        }
    }

    static long dataversePatches() {
        return get(BASE + "/sandbox/dataverse/_control/stats", null)
                .json()
                .getJsonNumber("patches")
                .longValue();
    }

    static void dataverseFault(String spec) {
        control("/sandbox/dataverse/_control/faults", spec);
    }

    static void clearDataverseFault() {
        send(
                HttpRequest.newBuilder(URI.create(BASE + "/sandbox/dataverse/_control/faults"))
                        .DELETE()
                        .build());
    }

    /** Sandbox controls of Spotler: opt-out / re-activation of a contact, a bounce. */
    static void spotlerOptOut(String id) {
        control("/sandbox/spotler/_control/contacts/" + id + "/optout", "{}");
    }

    static void spotlerReactivate(String id) {
        control("/sandbox/spotler/_control/contacts/" + id + "/reactivate", "{}");
    }

    static void spotlerBounce(String spec) {
        control("/sandbox/spotler/_control/bounces", spec);
    }

    private static void control(String path, String json) {
        Answer a =
                send(
                        HttpRequest.newBuilder(URI.create(BASE + path))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(json))
                                .build());
        if (a.status() != 204) {
            throw new IllegalStateException(path + " answered " + a);
        }
    }

    /** The audience (with its members) or campaign the Spotler sandbox holds, or empty. */
    static Optional<JsonObject> spotlerAudience(String id) {
        Answer a = get(BASE + "/sandbox/spotler/_control/audiences/" + id, null);
        return a.status() == 200 ? Optional.of(a.json()) : Optional.empty();
    }

    static JsonObject spotlerCampaign(String id) {
        return get(BASE + "/sandbox/spotler/_control/campaigns/" + id, null).json();
    }

    static void spotlerCampaignSetup(String spec) {
        control("/sandbox/spotler/_control/campaigns", spec);
    }

    /** Mailing interactions in the Spotler sandbox (see SandboxControl). */
    static int spotlerInteractions(String spec) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(BASE + "/sandbox/spotler/_control/interactions"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(spec))
                                .build());
        if (a.status() != 200) {
            throw new IllegalStateException("interactions control answered " + a);
        }
        return a.json().getInt("created");
    }

    static long dataverseBatches() {
        return get(BASE + "/sandbox/dataverse/_control/stats", null)
                .json()
                .getJsonNumber("batches")
                .longValue();
    }

    /** An admin POST (resync, back-sync run). */
    static Answer adminPost(String path) {
        return adminPost(path, null);
    }

    /** An admin POST with a JSON body (none when null). */
    static Answer adminPost(String path, String json) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(BASE + path))
                        .header("Authorization", "Basic " + ADMIN);
        if (json == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    /** Requests the Spotler sandbox has answered (every call Spotbridge made). */
    static long spotlerRequests() {
        return get(BASE + "/sandbox/spotler/_control/stats", null)
                .json()
                .getJsonNumber("requests")
                .longValue();
    }

    /** count active rows made by the Dataverse sandbox; their ids. */
    /** GET /api/overview as the admin; fails on another status than 200. */
    static JsonObject overview() {
        Answer a = get(BASE + "/api/overview", ADMIN);
        if (a.status() != 200) {
            throw new IllegalStateException("overview answered " + a);
        }
        return a.json();
    }

    /** An sb_permission row of a contact in the Dataverse sandbox (no webhook); its id. */
    static String dataversePermission(String contactId, long bit, String name, boolean subscribed) {
        String row = java.util.UUID.randomUUID().toString();
        dataverseUpsert(
                "sb_permissions",
                row,
                jakarta.json.Json.createObjectBuilder()
                        .add("sb_bit", bit)
                        .add("sb_name", name)
                        .add("sb_subscribed", subscribed)
                        .add("sb_contactid@odata.bind", "/contacts(" + contactId + ")")
                        .build());
        return row;
    }

    static java.util.List<String> dataverseSeed(String set, int count, String prefix) {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(BASE + "/sandbox/dataverse/_control/seed"))
                                .header("Content-Type", "application/json")
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"set\":\""
                                                        + set
                                                        + "\",\"count\":"
                                                        + count
                                                        + ",\"prefix\":\""
                                                        + prefix
                                                        + "\"}"))
                                .build());
        if (a.status() != 200) {
            throw new IllegalStateException("seed control answered " + a);
        }
        java.util.List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(
                    java.util
                            .UUID
                            .nameUUIDFromBytes((prefix + "/" + i).getBytes(StandardCharsets.UTF_8))
                            .toString());
        }
        return ids;
    }

    static String dataverseToken() {
        String form =
                "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-client-secret&scope="
                        + URLEncoder.encode(
                                "https://sandbox.crm.dynamics.com/.default",
                                StandardCharsets.UTF_8);
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(BASE + "/sandbox/dataverse/oauth2/v2.0/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build());
        return a.json().getString("access_token");
    }

    /** Waits for the record's change in the dead-letter queue; its message id. */
    static String deadLetterOf(String id) {
        JsonObject letter =
                await(
                                Service::deadLetters,
                                list ->
                                        list.stream()
                                                .anyMatch(
                                                        m ->
                                                                id.equals(
                                                                        m.asJsonObject()
                                                                                .getString(
                                                                                        "recordId",
                                                                                        ""))),
                                "the change in the dead-letter queue")
                        .stream()
                        .map(v -> v.asJsonObject())
                        .filter(m -> id.equals(m.getString("recordId", "")))
                        .findFirst()
                        .orElseThrow();
        return letter.getString("messageId");
    }

    static JsonArray deadLetters() {
        return parse(get(BASE + "/api/dead-letters", ADMIN).body()).asJsonArray();
    }

    /**
     * Polls until the value satisfies the condition (20 s at most); returns the last value seen.
     */
    static <T> T await(Supplier<T> value, Predicate<T> condition, String what) {
        return await(value, condition, what, Duration.ofSeconds(20));
    }

    static <T> T await(Supplier<T> value, Predicate<T> condition, String what, Duration limit) {
        long deadline = System.currentTimeMillis() + limit.toMillis();
        T last = null;
        while (System.currentTimeMillis() < deadline) {
            last = value.get();
            if (last != null && condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("timed out waiting for " + what + "; last seen: " + last);
    }

    /**
     * Operations of the history that are the record's own events (not write-back, consent or bounce
     * notes).
     */
    static final java.util.Set<String> EVENTS =
            java.util.Set.of(
                    "Create", "Update", "Delete", "SetState", "SetStateDynamicEntity", "Resync");

    /** The entries of a record's history that answer its events, in order. */
    static List<JsonObject> events(JsonObject record) {
        return record.getJsonArray("history").stream()
                .map(JsonValue::asJsonObject)
                .filter(h -> EVENTS.contains(h.getString("operation")))
                .toList();
    }

    /**
     * Waits until the record's history answers at least n of its events, and returns the record.
     */
    static JsonObject awaitHistory(String entity, String id, int n) {
        return await(
                () -> record(entity, id).orElse(null),
                r -> events(r).size() >= n,
                entity + " " + id + " with " + n + " history entries");
    }

    static JsonValue parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /** One management operation through the provisioned server's jboss-cli. */
    static void cli(String operation) throws java.io.IOException, InterruptedException {
        Process cli =
                new ProcessBuilder(
                                System.getProperty("jboss.home", "target/server")
                                        + "/bin/jboss-cli.sh",
                                "--connect",
                                "--controller=127.0.0.1:9990",
                                "--command=" + operation)
                        .redirectErrorStream(true)
                        .start();
        String out =
                new String(
                        cli.getInputStream().readAllBytes(),
                        java.nio.charset.StandardCharsets.UTF_8);
        org.junit.jupiter.api.Assertions.assertTrue(
                cli.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "jboss-cli finished");
        org.junit.jupiter.api.Assertions.assertEquals(0, cli.exitValue(), out);
        org.junit.jupiter.api.Assertions.assertTrue(
                out.contains("\"outcome\" => \"success\""), operation + ": " + out);
    }
}
