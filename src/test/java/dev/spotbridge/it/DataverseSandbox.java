package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.control;
import static dev.spotbridge.it.Http.get;
import static dev.spotbridge.it.Http.send;

import dev.spotbridge.it.Http.Answer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The Dataverse sandbox (sandbox.war): its Web API with a client-credentials token, its counters,
 * fault switch and seed.
 */
final class DataverseSandbox {

    /**
     * The ITs write "data already in D365" without raising webhooks (Dataverse's bypass of
     * asynchronous custom logic), and post the webhook they test themselves.
     */
    static final String BYPASS = "MSCRM.BypassBusinessLogicExecution";

    private DataverseSandbox() {}

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
                                .header(BYPASS, "CustomAsync")
                                .method(
                                        "PATCH",
                                        HttpRequest.BodyPublishers.ofString(columns.toString()))
                                .build());
        if (a.status() != 204) {
            throw new IllegalStateException("Dataverse sandbox answered " + a);
        }
    }

    /** The D365 user who owns the tests' records (and gets their bounce tasks). */
    static final String OWNER = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";

    /**
     * {@link #OWNER} as a row of the Dataverse sandbox: a lookup can bind only a row that exists.
     *
     * @return the owner's id
     */
    static String owner() {
        dataverseUpsert(
                "systemusers",
                OWNER,
                Json.createObjectBuilder()
                        .add("fullname", "Owen Owner")
                        .add("domainname", "owen@example.com")
                        .build());
        return OWNER;
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
                                .header(BYPASS, "CustomAsync")
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

    /** CreateMultiple and UpdateMultiple requests the Dataverse sandbox answered. */
    static long dataverseMultiples() {
        return get(BASE + "/sandbox/dataverse/_control/stats", null)
                .json()
                .getJsonNumber("multiples")
                .longValue();
    }

    /** Requests the Dataverse sandbox counted against the org's limits ($batch: each operation). */
    static long dataverseRequests() {
        return get(BASE + "/sandbox/dataverse/_control/stats", null)
                .json()
                .getJsonNumber("requests")
                .longValue();
    }

    /**
     * Waits until Spotbridge has stopped calling the Dataverse sandbox (no request for 1.5 s, at
     * most 30 s): the write-back of what a test set up is done before the test counts requests.
     */
    static void awaitDataverseQuiet() {
        long last = dataverseRequests();
        long quietSince = System.nanoTime();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() - quietSince < 1_500_000_000L) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Spotbridge kept calling the Dataverse sandbox");
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            long now = dataverseRequests();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            }
        }
    }

    static long dataverseBatches() {
        return get(BASE + "/sandbox/dataverse/_control/stats", null)
                .json()
                .getJsonNumber("batches")
                .longValue();
    }

    /** A POST of a new row to the Dataverse sandbox's Web API (no webhook), as it answered. */
    static Answer dataverseCreate(String set, JsonObject columns) {
        return send(
                HttpRequest.newBuilder(URI.create(BASE + "/sandbox/dataverse/api/data/v9.2/" + set))
                        .header("Authorization", "Bearer " + dataverseToken())
                        .header("Content-Type", "application/json")
                        .header(BYPASS, "CustomAsync")
                        .POST(HttpRequest.BodyPublishers.ofString(columns.toString()))
                        .build());
    }

    /** An sb_permission row of a contact in the Dataverse sandbox (no webhook); its id. */
    static String dataversePermission(String contactId, long bit, String name, boolean subscribed) {
        String row = UUID.randomUUID().toString();
        dataverseUpsert(
                "sb_permissions",
                row,
                Json.createObjectBuilder()
                        .add("sb_bit", bit)
                        .add("sb_name", name)
                        .add("sb_subscribed", subscribed)
                        .add("sb_contactid@odata.bind", "/contacts(" + contactId + ")")
                        .build());
        return row;
    }

    static List<String> dataverseSeed(String set, int count, String prefix) {
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
        List<String> ids = new ArrayList<>();
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
                "grant_type=client_credentials&client_id=2f1c9a7e-6b3d-4c58-9e0a-5d7b8c1f4a26&client_secret=sandbox-client-secret&scope="
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

    /** Takes the sandbox org back to before any setup (POST …/_control/reset-customizations). */
    static void resetCustomizations() {
        Answer a =
                send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/sandbox/dataverse/_control/reset-customizations"))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build());
        if (a.status() != 204 && a.status() != 200) {
            throw new IllegalStateException("reset-customizations answered " + a);
        }
    }
}
