package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.control;
import static dev.spotbridge.it.Http.get;
import static dev.spotbridge.it.Http.send;

import dev.spotbridge.it.Http.Answer;
import dev.spotbridge.spotler.OAuth1Signer;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * The Spotler sandbox (sandbox.war): what it holds, its counters and fault switch, and calls of its
 * real API signed as any Spotler client signs them.
 */
final class SpotlerSandbox {

    static final String SPOTLER = BASE + "/sandbox/spotler/integrationservice";

    private SpotlerSandbox() {}

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

    /** Requests the Spotler sandbox answered with an injected fault, so far. */
    static long spotlerFaulted() {
        return get(BASE + "/sandbox/spotler/_control/stats", null)
                .json()
                .getJsonNumber("faulted")
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

    /** The audience (with its members) or campaign the Spotler sandbox holds, or empty. */
    static Optional<JsonObject> spotlerAudience(String id) {
        Answer a = get(BASE + "/sandbox/spotler/_control/audiences/" + id, null);
        return a.status() == 200 ? Optional.of(a.json()) : Optional.empty();
    }

    /** The temporary list (with its members) the Spotler sandbox holds, or empty. */
    static Optional<JsonObject> spotlerTemporaryList(String id) {
        Answer a = get(BASE + "/sandbox/spotler/_control/templists/" + id, null);
        return a.status() == 200 ? Optional.of(a.json()) : Optional.empty();
    }

    /** The emulated account's edition: with lists (audiences), or without (403 on /audience). */
    static void spotlerEdition(boolean audiences) {
        control("/sandbox/spotler/_control/edition", "{\"audiences\":" + audiences + "}");
    }

    static JsonObject spotlerCampaign(String id) {
        return get(BASE + "/sandbox/spotler/_control/campaigns/" + id, null).json();
    }

    /** A campaign "Welcome" with one external trigger. */
    static void spotlerCampaign(String campaign, String trigger) {
        spotlerCampaignSetup(
                "{\"encryptedId\":\""
                        + campaign
                        + "\",\"name\":\"Welcome\",\"triggers\":[{\"encryptedId\":\""
                        + trigger
                        + "\",\"name\":\"External\"}]}");
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

    /** Requests the Spotler sandbox has answered (every call Spotbridge made). */
    static long spotlerRequests() {
        return get(BASE + "/sandbox/spotler/_control/stats", null)
                .json()
                .getJsonNumber("requests")
                .longValue();
    }
}
