package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** The test-only probe.war (src/test/java/dev/spotbridge/it/probe). */
final class Probe {

    private Probe() {}

    /**
     * Puts dead letters of a contact straight into the dead-letter queue.
     *
     * @param options more query parameters: "&amp;old=true" (no timestamp), "&amp;event=true" (a
     *     resync of the contact as their text), or ""
     */
    static void deadLetters(String recordId, int count, String options) {
        Http.Answer a =
                Http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                BASE
                                                        + "/probe/dead-letters?entity=contact&recordId="
                                                        + recordId
                                                        + "&count="
                                                        + count
                                                        + options))
                                .timeout(Duration.ofMinutes(3))
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build());
        assertEquals(200, a.status(), a.body());
    }

    /** Holds the locks of a SELECT … FOR UPDATE for that many seconds; returns when it let go. */
    static void hold(String lockingSelect, int seconds) {
        Http.Answer a =
                Http.send(
                        HttpRequest.newBuilder(URI.create(BASE + "/probe/hold?seconds=" + seconds))
                                .timeout(Duration.ofSeconds(seconds + 60L))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(lockingSelect))
                                .build());
        assertEquals(200, a.status(), a.body());
    }
}
