package dev.spotbridge.spotler;

import dev.spotbridge.sandbox.SandboxMode;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * The one way to Spotler. Each call is signed, bounded by a timeout, retried a little on transient
 * failure and guarded by a circuit breaker; what is still failing after that goes back to the
 * caller, whose message is then redelivered by the broker. Policies can be tuned through
 * MicroProfile Config (e.g. dev.spotbridge.spotler.SpotlerGateway/Retry/maxRetries).
 */
@ApplicationScoped
@Retry(
        maxRetries = 2,
        delay = 300,
        jitter = 200,
        abortOn = {SpotlerRejectedException.class, CircuitBreakerOpenException.class})
@Timeout(value = 15, unit = java.time.temporal.ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 15,
        delayUnit = java.time.temporal.ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = SpotlerRejectedException.class)
public class SpotlerGateway {

    @Inject SandboxMode sandbox;

    @Inject
    @ConfigProperty(name = "spotler.api.url")
    Optional<String> url;

    @Inject
    @ConfigProperty(name = "spotler.consumer.key")
    Optional<String> consumerKey;

    @Inject
    @ConfigProperty(name = "spotler.consumer.secret")
    Optional<String> consumerSecret;

    @Inject
    @ConfigProperty(name = "spotler.connect-timeout-ms", defaultValue = "5000")
    long connectTimeoutMs;

    @Inject
    @ConfigProperty(name = "spotler.read-timeout-ms", defaultValue = "10000")
    long readTimeoutMs;

    /**
     * A 429 whose Retry-After is at most this long is waited out here; a longer one goes back to
     * the broker.
     */
    @Inject
    @ConfigProperty(name = "spotler.max-retry-after-seconds", defaultValue = "10")
    long maxRetryAfterSeconds;

    private SpotlerClient client;

    @PostConstruct
    void connect() {
        String base = sandbox.spotler() ? sandbox.spotlerUrl() : url.get();
        String key =
                consumerKey
                        .filter(s -> !s.isBlank())
                        .orElse(sandbox.spotler() ? SandboxMode.SPOTLER_KEY : "");
        String secret =
                consumerSecret
                        .filter(s -> !s.isBlank())
                        .orElse(sandbox.spotler() ? SandboxMode.SPOTLER_SECRET : "");
        client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(base))
                        .connectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(new SigningFilter(new OAuth1Signer(key, secret)))
                        .build(SpotlerClient.class);
    }

    @PreDestroy
    void close() {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
    }

    /** The permission bits of the account, from the entries of the "permissions" set property. */
    public List<Long> permissionBits() {
        JsonArray properties =
                read(call("GET contact/properties/list", client::properties)).asJsonArray();
        return properties.stream()
                .map(JsonValue::asJsonObject)
                .filter(p -> "permissions".equals(p.getString("name", "")))
                .flatMap(
                        p ->
                                p.getJsonArray("entries") == null
                                        ? java.util.stream.Stream.empty()
                                        : p.getJsonArray("entries").stream())
                .map(e -> e.asJsonObject().getJsonNumber("bit").longValue())
                .toList();
    }

    /** The contact, or empty when Spotler does not know the externalId. */
    public Optional<SpotlerContact> find(String externalId) {
        Response response = send("GET contact/{id}", () -> client.contact(externalId), true);
        if (response == null) {
            return Optional.empty();
        }
        JsonObject contact = read(response).asJsonObject();
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        Map<Long, Boolean> permissions = new LinkedHashMap<>();
        JsonObject props = contact.getJsonObject("properties");
        if (props != null) {
            props.forEach(
                    (name, value) -> {
                        if ("permissions".equals(name)
                                && value.getValueType() == JsonValue.ValueType.ARRAY) {
                            value.asJsonArray()
                                    .forEach(
                                            p ->
                                                    permissions.put(
                                                            p.asJsonObject()
                                                                    .getJsonNumber("bit")
                                                                    .longValue(),
                                                            p.asJsonObject()
                                                                    .getBoolean("enabled", false)));
                        } else if (value.getValueType() != JsonValue.ValueType.ARRAY) {
                            properties.put(name, value);
                        }
                    });
        }
        boolean email = false;
        JsonArray channels = contact.getJsonArray("channels");
        if (channels != null) {
            email =
                    channels.stream()
                            .map(JsonValue::asJsonObject)
                            .anyMatch(
                                    c ->
                                            "EMAIL".equals(c.getString("name", ""))
                                                    && c.getBoolean("value", false));
        }
        return Optional.of(
                new SpotlerContact(
                        contact.getString("externalId", externalId),
                        properties,
                        permissions,
                        email));
    }

    /**
     * Creates or updates a contact (POST /contact, update:true, purge:false): the given properties
     * are set, JSON null clears one, properties not given stay as they are.
     *
     * @param permissions bits to set, may be empty
     * @param created whether this is the contact's first write (the EMAIL channel is then declared)
     */
    public void upsert(
            String externalId,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean created) {
        JsonObjectBuilder contact = contact(externalId, properties, permissions);
        if (created && properties.get("email") instanceof jakarta.json.JsonString) {
            contact.add(
                    "channels",
                    Json.createArrayBuilder()
                            .add(
                                    Json.createObjectBuilder()
                                            .add("name", "EMAIL")
                                            .add("value", true)));
        }
        JsonObject request =
                Json.createObjectBuilder()
                        .add("update", true)
                        .add("purge", false)
                        .add("contact", contact)
                        .build();
        call("POST contact", () -> client.upsert(request));
    }

    /**
     * Blanks a contact: PUT /contact/{id} with purge:true, so every property not sent is wiped, and
     * every permission bit off.
     *
     * @return false when Spotler does not know the contact (nothing to blank)
     */
    public boolean blank(String externalId, List<Long> permissionBits) {
        Map<Long, Boolean> off = new LinkedHashMap<>();
        permissionBits.forEach(bit -> off.put(bit, false));
        JsonObject request =
                Json.createObjectBuilder()
                        .add("update", true)
                        .add("purge", true)
                        .add("contact", contact(externalId, Map.of(), off))
                        .build();
        return send("PUT contact/{id}", () -> client.update(externalId, request), true) != null;
    }

    private static JsonObjectBuilder contact(
            String externalId, Map<String, JsonValue> properties, Map<Long, Boolean> permissions) {
        JsonObjectBuilder props = Json.createObjectBuilder();
        properties.forEach(props::add);
        if (!permissions.isEmpty()) {
            JsonArrayBuilder bits = Json.createArrayBuilder();
            permissions.forEach(
                    (bit, enabled) ->
                            bits.add(
                                    Json.createObjectBuilder()
                                            .add("bit", bit)
                                            .add("enabled", enabled)));
            props.add("permissions", bits);
        }
        return Json.createObjectBuilder().add("externalId", externalId).add("properties", props);
    }

    private Response call(String what, java.util.function.Supplier<Response> request) {
        return send(what, request, false);
    }

    /**
     * Sends and checks; returns null for a 404 when notFoundIsAnswer, throws for every other
     * non-2xx.
     */
    private Response send(
            String what, java.util.function.Supplier<Response> request, boolean notFoundIsAnswer) {
        Response response;
        try {
            response = request.get();
        } catch (ProcessingException e) {
            throw new SpotlerUnavailableException(what + ": " + e.getMessage(), e);
        }
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            return response;
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 404 && notFoundIsAnswer) {
            return null;
        }
        if (status == 429) {
            Duration wait = retryAfter(response.getHeaderString("Retry-After"));
            if (wait.toSeconds() <= maxRetryAfterSeconds) {
                sleep(wait);
            }
            throw new SpotlerUnavailableException(
                    what + ": 429 Too Many Requests (Retry-After " + wait.toSeconds() + " s)");
        }
        if (status >= 500) {
            throw new SpotlerUnavailableException(what + ": " + status + " " + errorMessage(body));
        }
        JsonObject error = errorObject(body);
        throw new SpotlerRejectedException(
                status,
                error.getString("errorType", ""),
                what + ": " + status + " " + errorMessage(body));
    }

    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return Duration.ofSeconds(1);
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at =
                        ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                return Duration.ofMillis(
                        Math.max(0, at.toInstant().toEpochMilli() - System.currentTimeMillis()));
            } catch (RuntimeException unparsable) {
                return Duration.ofSeconds(1);
            }
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpotlerUnavailableException("interrupted while honouring Retry-After");
        }
    }

    private static JsonValue read(Response response) {
        String text = response.readEntity(String.class);
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readValue();
        }
    }

    private static JsonObject errorObject(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonValue value = reader.readValue();
            return value.getValueType() == JsonValue.ValueType.OBJECT
                    ? value.asJsonObject()
                    : JsonValue.EMPTY_JSON_OBJECT;
        } catch (RuntimeException e) {
            return JsonValue.EMPTY_JSON_OBJECT;
        }
    }

    private static String errorMessage(String body) {
        JsonObject error = errorObject(body);
        if (error.containsKey("message")) {
            String type = error.getString("errorType", "");
            return (type.isEmpty() ? "" : type + ": ") + error.getString("message", "");
        }
        return body.length() > 300 ? body.substring(0, 300) : body;
    }
}
