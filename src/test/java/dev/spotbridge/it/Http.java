package dev.spotbridge.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;

/**
 * The running server over HTTP, as the ITs reach it: requests and answers, waiting for a condition,
 * and the provisioned server's jboss-cli.
 */
final class Http {

    static final String BASE = "http://127.0.0.1:8080";

    /**
     * HTTP/1.1, as curl and the operators' scripts speak it: over an upgraded HTTP/2 connection
     * Undertow sent GOAWAY to a reconciliation answering after more than a minute (a CI run with
     * some 30 000 records), while an HTTP/1.1 request waits for its answer however long it takes.
     */
    private static final HttpClient HTTP =
            HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

    private Http() {}

    record Answer(int status, String body) {
        JsonObject json() {
            return parse(body).asJsonObject();
        }
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

    static JsonValue parse(String text) {
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    /** One management operation through the provisioned server's jboss-cli. */
    static void cli(String operation) throws IOException, InterruptedException {
        Process cli =
                new ProcessBuilder(
                                System.getProperty("jboss.home", "target/server")
                                        + "/bin/jboss-cli.sh",
                                "--connect",
                                "--controller=127.0.0.1:9990",
                                "--command=" + operation)
                        .redirectErrorStream(true)
                        .start();
        String out = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assertions.assertTrue(cli.waitFor(60, TimeUnit.SECONDS), "jboss-cli finished");
        Assertions.assertEquals(0, cli.exitValue(), out);
        Assertions.assertTrue(out.contains("\"outcome\" => \"success\""), operation + ": " + out);
    }

    /** A sandbox control (POST, JSON); fails unless it answers 204. */
    static void control(String path, String json) {
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

    /** Lets asynchronous work that should not happen have its chance to show. */
    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
