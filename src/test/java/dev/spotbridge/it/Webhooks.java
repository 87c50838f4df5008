package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spotbridge.it.Http.Answer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Map;

/**
 * Dataverse's side of the webhook: RemoteExecutionContext bodies posted with the ITs' webhook keys.
 */
final class Webhooks {

    static final String KEY = "it-webhook-key";

    static final String ROTATED_KEY = "it-webhook-key-next";

    private Webhooks() {}

    static Answer webhook(String body) {
        return webhook(body, KEY);
    }

    /** A contact created in D365 now, with a first name and an email; the webhook answers 202. */
    static void contactCreated(String id, String firstName, String email) {
        Answer answer =
                webhook(
                        Contexts.create(
                                "contact",
                                id,
                                Map.of("firstname", firstName, "emailaddress1", email),
                                Instant.now()));
        assertEquals(202, answer.status(), answer.body());
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
}
