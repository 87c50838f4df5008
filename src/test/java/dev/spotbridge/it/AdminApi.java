package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Http.get;
import static dev.spotbridge.it.Http.parse;
import static dev.spotbridge.it.Http.send;

import dev.spotbridge.it.Http.Answer;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Spotbridge's admin API as an operator uses it (HTTP Basic with the ITs' admin login): records and
 * their history, runs, the overview, dead letters.
 */
final class AdminApi {

    static final String ADMIN =
            Base64.getEncoder()
                    .encodeToString("it-admin:it-admin-secret".getBytes(StandardCharsets.UTF_8));

    /**
     * Operations of the history that are the record's own events (not write-back, consent or bounce
     * notes).
     */
    static final Set<String> EVENTS =
            Set.of("Create", "Update", "Delete", "SetState", "SetStateDynamicEntity", "Resync");

    private AdminApi() {}

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
            // as the admin page and scripts do: no body, so the header that no other site's form
            // can send (CrossSiteGuard)
            request.header("X-Requested-With", "spotbridge-it")
                    .POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json));
        }
        return send(request.build());
    }

    /** An admin GET; its answer whatever the status. */
    static Answer adminGet(String path) {
        return get(BASE + path, ADMIN);
    }

    /** GET /api/overview as the admin; fails on another status than 200. */
    static JsonObject overview() {
        Answer a = get(BASE + "/api/overview", ADMIN);
        if (a.status() != 200) {
            throw new IllegalStateException("overview answered " + a);
        }
        return a.json();
    }

    /** Waits until nothing waits on the write-back queue, in delivery or not. */
    static void awaitWritebackDrained() {
        await(
                AdminApi::overview,
                o ->
                        o.getJsonObject("queues")
                                        .getJsonObject("writeback")
                                        .getJsonNumber("messages")
                                        .longValue()
                                == 0,
                "the write-back queue drained");
    }

    /** Waits for the record's change in the dead-letter queue; its message id. */
    static String deadLetterOf(String id) {
        JsonObject letter =
                await(
                                () -> deadLettersOf(id),
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

    /** The oldest thousand dead letters (the API's largest page). */
    static JsonArray deadLetters() {
        return parse(get(BASE + "/api/dead-letters?limit=1000", ADMIN).body()).asJsonArray();
    }

    /** The dead letters of one record. */
    static JsonArray deadLettersOf(String id) {
        return parse(get(BASE + "/api/dead-letters?limit=1000&recordId=" + id, ADMIN).body())
                .asJsonArray();
    }

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
}
