package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
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
 * The admin API and the webhook as an attacker or a careless client meets them: cross-site form
 * posts are refused, failed logins are throttled per address, searches and dead-letter listings
 * stay bounded on large data, an oversized webhook is 413 whatever its size, and the admin page
 * carries its security headers.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class HardeningIT {

    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @Deployment(name = "probe", order = 3, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        }
    }

    /** A form POST another site's page makes, with the operator's credentials the browser adds. */
    private static HttpResponse<String> crossSite(String path, String contentType, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(BASE + path))
                        .header("Authorization", "Basic " + AdminApi.ADMIN)
                        .header("Origin", "https://evil.example")
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
    }

    /** What the state-changing endpoints could change, as the admin API shows it. */
    private static Map<String, String> state(String id) {
        Map<String, String> state = new LinkedHashMap<>();
        state.put("mapping", AdminApi.adminGet("/api/mapping/versions").body());
        state.put("backfills", AdminApi.adminGet("/api/backfills").body());
        state.put("record", AdminApi.record("contact", id).orElseThrow().toString());
        state.put("spotler", spotlerContact(id).orElseThrow().toString());
        state.put("runs", String.valueOf(AdminApi.overview().get("lastRuns")));
        state.put("dead letters", AdminApi.deadLetters().toString());
        return state;
    }

    @Test
    void aCrossSiteFormPostToAnyStateChangingEndpointIsRefusedAndChangesNothing() {
        String id = UUID.randomUUID().toString();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        Map.of("firstname", "Cross", "emailaddress1", "cross@example.com"),
                        Instant.now()));
        Http.await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> "Succeeded".equals(r.getString("status")),
                "synced");
        DataverseSandbox.awaitDataverseQuiet();
        Map<String, String> before = state(id);
        String record = "/api/records/contact/" + id;
        List<String> paths =
                List.of(
                        "/api/backfills",
                        "/api/backfills/1/resume",
                        "/api/backsync/run",
                        "/api/dead-letters/replay",
                        "/api/dead-letters/discard",
                        "/api/lists/" + UUID.randomUUID() + "/sync",
                        "/api/mapping/dry-run",
                        "/api/mapping",
                        "/api/reconcile/run",
                        record + "/resync",
                        record + "/erase",
                        record + "/enrich",
                        "/api/records/resync",
                        "/api/retention/run",
                        "/api/setup/dataverse");
        for (String path : paths) {
            HttpResponse<String> form =
                    crossSite(path, "application/x-www-form-urlencoded", "all=true&reason=x");
            assertEquals(403, form.statusCode(), path + ": " + form.body());
            assertTrue(form.body().contains("cross_site_request_refused"), form.body());
            // text/plain is the other body a form can send (a mapping file, say)
            HttpResponse<String> text = crossSite(path, "text/plain", "{\"entities\":{}}");
            assertEquals(403, text.statusCode(), path + ": " + text.body());
        }
        // a script of another site sending JSON: its Origin gives it away
        assertEquals(403, crossSite("/api/records/resync", "application/json", "{}").statusCode());
        assertEquals(before, state(id), "nothing changed");

        // the page (X-Requested-With) and scripts sending JSON from this server still work
        assertEquals(202, AdminApi.adminPost(record + "/resync").status());
        HttpResponse<String> sameSite =
                send(
                        HttpRequest.newBuilder(URI.create(BASE + "/api/records/resync"))
                                .header("Authorization", "Basic " + AdminApi.ADMIN)
                                .header("Origin", "http://127.0.0.1:8080")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build());
        assertEquals(400, sameSite.statusCode(), "past the guard, to the body check");
    }

    /** One request over a socket bound to another loopback address: status and Retry-After. */
    private static String[] fromAddress(String source, String path, String basic)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", 8080), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(
                    ("GET "
                                    + path
                                    + " HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAuthorization: Basic "
                                    + basic
                                    + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            String status = head.substring(9, 12);
            String retryAfter = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("retry-after:")) {
                    retryAfter = line.substring(12).trim();
                }
            }
            return new String[] {status, retryAfter};
        }
    }

    @Test
    void failedLoginsFromOneAddressAreSlowedDownWithoutLockingTheAdminOutElsewhere()
            throws Exception {
        String wrong =
                Base64.getEncoder()
                        .encodeToString("it-admin:guess".getBytes(StandardCharsets.UTF_8));
        String attacker = "127.0.0." + (2 + (int) (Math.random() * 200));
        for (int i = 0; i < 5; i++) {
            assertEquals("401", fromAddress(attacker, "/api/overview", wrong)[0], "try " + i);
        }
        String[] throttled = fromAddress(attacker, "/api/overview", wrong);
        assertEquals("429", throttled[0]);
        long wait = Long.parseLong(throttled[1]);
        assertTrue(wait >= 1 && wait <= 2, "Retry-After " + wait);
        // while it must wait, not even the right password is looked at from there …
        assertEquals("429", fromAddress(attacker, "/api/overview", AdminApi.ADMIN)[0]);
        // … but the admin elsewhere is not locked out
        assertEquals(200, AdminApi.adminGet("/api/overview").status());
        Thread.sleep(wait * 1000 + 200);
        assertEquals("200", fromAddress(attacker, "/api/overview", AdminApi.ADMIN)[0]);
        // a success clears the address
        assertEquals("401", fromAddress(attacker, "/api/overview", wrong)[0]);
    }

    @Test
    void aSearchReadsOnePagePerTableAndNeedsThreeCharacters() {
        String prefix = "srch" + UUID.randomUUID().toString().substring(0, 6);
        // 100 000 contacts whose name holds the text (inactive: no backfill takes them)
        Http.Answer seeded =
                Http.send(
                        HttpRequest.newBuilder(
                                        URI.create(BASE + "/sandbox/dataverse/_control/seed"))
                                .header("Content-Type", "application/json")
                                .timeout(Duration.ofMinutes(3))
                                .POST(
                                        HttpRequest.BodyPublishers.ofString(
                                                "{\"set\":\"contacts\",\"count\":100000,"
                                                        + "\"prefix\":\""
                                                        + prefix
                                                        + "\",\"statecode\":1}"))
                                .build());
        assertEquals(200, seeded.status(), seeded.body());
        Http.Answer tooShort = AdminApi.adminGet("/api/records?q=sr");
        assertEquals(400, tooShort.status(), tooShort.body());
        assertTrue(tooShort.body().contains("at least 3 characters"), tooShort.body());

        DataverseSandbox.awaitDataverseQuiet();
        long before = DataverseSandbox.dataverseRequests();
        Http.Answer found = AdminApi.adminGet("/api/records?q=" + prefix);
        assertEquals(200, found.status(), found.body());
        assertTrue(Http.parse(found.body()).asJsonArray().size() <= 50, found.body());
        long requests = DataverseSandbox.dataverseRequests() - before;
        assertTrue(requests <= 3, requests + " Dataverse requests: one page per table at most");
    }

    @Test
    void deadLettersAreListedPageByPage() {
        String id = UUID.randomUUID().toString();
        // more than a page, and behind 10 000 others: far beyond the 10 MiB of a queue the broker
        // keeps in memory (some 4 700 letters), so the listing reaches into the paged part
        int n = 3_000;
        Probe.deadLetters(UUID.randomUUID().toString(), 10_000, "&old=true");
        Probe.deadLetters(id, n, "&old=true");
        try {
            HttpResponse<String> first =
                    adminGet("/api/dead-letters?recordId=" + id + "&limit=1000");
            assertEquals(200, first.statusCode(), first.body());
            assertEquals(1000, Http.parse(first.body()).asJsonArray().size());
            String next = first.headers().firstValue("Link").orElseThrow();
            assertTrue(next.contains("offset=1000") && next.contains("rel=\"next\""), next);

            HttpResponse<String> last =
                    adminGet(
                            "/api/dead-letters?recordId=" + id + "&limit=1000&offset=" + (n - 300));
            assertEquals(300, Http.parse(last.body()).asJsonArray().size());
            assertFalse(last.headers().firstValue("Link").isPresent(), "no page after the last");

            HttpResponse<String> plain = adminGet("/api/dead-letters");
            assertEquals(100, Http.parse(plain.body()).asJsonArray().size(), "100 by default");
            long total = Long.parseLong(plain.headers().firstValue("X-Total-Count").orElseThrow());
            assertTrue(total >= n, "X-Total-Count " + total);

            assertEquals(400, adminGet("/api/dead-letters?limit=5000").statusCode());
        } finally {
            // they have waited for ever: the retention takes them off
            Http.Answer run = AdminApi.adminPost("/api/retention/run");
            assertEquals(200, run.status(), run.body());
        }
        assertEquals(0, AdminApi.deadLettersOf(id).size());
    }

    private static HttpResponse<String> adminGet(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(BASE + path))
                        .header("Authorization", "Basic " + AdminApi.ADMIN)
                        .GET()
                        .build());
    }

    @Test
    void aWebhookOverTheLimitIsAnswered413WhateverItsSize() {
        for (int mib : new int[] {2, 10, 24}) {
            byte[] body = new byte[mib * 1024 * 1024];
            java.util.Arrays.fill(body, (byte) ' ');
            body[0] = '{';
            body[body.length - 1] = '}';
            HttpResponse<String> answer =
                    send(
                            HttpRequest.newBuilder(URI.create(BASE + "/api/d365/webhook"))
                                    .header("Content-Type", "application/json")
                                    .header("x-spotbridge-key", Webhooks.KEY)
                                    .timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                    .build());
            assertEquals(413, answer.statusCode(), mib + " MiB: " + answer.body());
            assertTrue(answer.body().contains("payload_too_large"), answer.body());
        }
    }

    @Test
    void theAdminPageAndTheApiCarrySecurityHeaders() {
        for (String path : List.of("/admin/", "/admin/admin.js", "/api/overview")) {
            HttpResponse<String> answer = adminGet(path);
            assertEquals(200, answer.statusCode(), path);
            String policy = answer.headers().firstValue("Content-Security-Policy").orElse("");
            assertTrue(policy.contains("frame-ancestors 'none'"), path + ": " + policy);
            assertTrue(policy.contains("default-src 'self'"), path + ": " + policy);
            assertEquals(
                    "no-referrer", answer.headers().firstValue("Referrer-Policy").orElse(""), path);
            assertEquals(
                    "nosniff",
                    answer.headers().firstValue("X-Content-Type-Options").orElse(""),
                    path);
        }
        JsonObject overview = AdminApi.overview();
        assertTrue(overview.containsKey("queues"));
    }
}
