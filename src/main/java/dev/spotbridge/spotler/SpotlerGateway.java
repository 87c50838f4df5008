package dev.spotbridge.spotler;

import dev.spotbridge.http.RateLimit;
import dev.spotbridge.http.RateLimitFilter;
import dev.spotbridge.http.RetryAfter;
import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import java.time.Instant;
import java.util.ArrayList;
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
        abortOn = {
            SpotlerRejectedException.class,
            SpotlerThrottledException.class,
            CircuitBreakerOpenException.class
        })
@Timeout(value = 15, unit = java.time.temporal.ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 15,
        delayUnit = java.time.temporal.ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = {SpotlerRejectedException.class, SpotlerThrottledException.class})
public class SpotlerGateway {

    /** Required: without them Spotbridge does not deploy (RequiredSettings). */
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

    /** Client-side request rate to Spotler; 0: none (Spotler publishes no figure). */
    @Inject
    @ConfigProperty(name = "spotler.max-requests-per-second", defaultValue = "0")
    double maxRequestsPerSecond;

    @Inject
    @ConfigProperty(name = "spotler.throttle-max-wait-ms", defaultValue = "2000")
    long throttleMaxWaitMs;

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

    /** Time zone of the account's fromDate/toDate parameters (the API takes local times). */
    @Inject
    @ConfigProperty(name = "spotler.timezone", defaultValue = "Europe/Amsterdam")
    String timezone;

    private static final int PAGE_SIZE = 1000;

    /** The interaction feeds are read in the largest pages the API allows (restdoc: 10000). */
    private static final int FEED_PAGE_SIZE = 10000;

    @Inject SyncMetrics metrics;

    private CallMeter calls;
    private SpotlerClient client;

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "spotler");
        client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(url.orElseThrow()))
                        .connectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(
                                new SigningFilter(
                                        new OAuth1Signer(
                                                consumerKey.orElseThrow(),
                                                consumerSecret.orElseThrow())))
                        .register(calls)
                        .register(
                                new RateLimitFilter(
                                        new RateLimit(
                                                maxRequestsPerSecond,
                                                java.time.Duration.ofMillis(throttleMaxWaitMs)),
                                        "Spotler"))
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

    /**
     * The permission bits of the account with their descriptions, from the entries of the
     * "permissions" set property (GET /contact/properties/list).
     */
    public Map<Long, String> permissionBits() {
        JsonArray properties =
                read(call("GET contact/properties/list", client::properties)).asJsonArray();
        Map<Long, String> bits = new LinkedHashMap<>();
        properties.stream()
                .map(JsonValue::asJsonObject)
                .filter(p -> "permissions".equals(p.getString("name", "")))
                .filter(p -> p.getJsonArray("entries") != null)
                .flatMap(p -> p.getJsonArray("entries").stream())
                .map(JsonValue::asJsonObject)
                .forEach(
                        e ->
                                bits.put(
                                        e.getJsonNumber("bit").longValue(),
                                        e.getString("description", "")));
        return bits;
    }

    /** The names of the account's contact properties (GET /contact/properties/list). */
    public java.util.Set<String> propertyNames() {
        JsonArray properties =
                read(call("GET contact/properties/list", client::properties)).asJsonArray();
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        properties.stream()
                .map(JsonValue::asJsonObject)
                .map(p -> p.getString("name", ""))
                .filter(name -> !name.isBlank())
                .forEach(names::add);
        return names;
    }

    /** The contact, or empty when Spotler does not know the externalId. */
    public Optional<SpotlerContact> find(String externalId) {
        Response response = send("GET contact/{id}", () -> client.contact(externalId), true);
        return response == null
                ? Optional.empty()
                : Optional.of(SpotlerContact.from(read(response).asJsonObject()));
    }

    /**
     * Creates or updates one contact through POST /contact/list (update:true, purge:false), whose
     * per-item code also says whether the contact has opted out in Spotler. The given properties
     * are set, JSON null clears one, properties not given stay as they are.
     *
     * @param permissions bits to set, may be empty
     * @param created whether this is the contact's first write (the EMAIL channel is then declared)
     * @return false when Spotler answered CONTACT_OPTOUT: the contact unsubscribed there
     */
    public boolean upsert(
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
                        .add("contacts", Json.createArrayBuilder().add(contact))
                        .build();
        JsonValue answer = read(call("POST contact/list", () -> client.upsertAll(request)));
        JsonObject item =
                answer.getValueType() == JsonValue.ValueType.ARRAY
                                && !answer.asJsonArray().isEmpty()
                        ? answer.asJsonArray().getJsonObject(0)
                        : JsonValue.EMPTY_JSON_OBJECT;
        String code = item.getString("code", "OK");
        return switch (code) {
            case "OK" -> true;
            case "CONTACT_OPTOUT" -> false;
            case "ERROR" ->
                    throw new SpotlerUnavailableException(
                            "POST contact/list: ERROR " + item.getString("message", ""));
            default ->
                    throw new SpotlerRejectedException(
                            400,
                            code,
                            "POST contact/list: " + code + " " + item.getString("message", ""));
        };
    }

    /**
     * Switches permission bits (PUT /contact/{id}, purge:false, only permissions).
     *
     * @return false when Spotler does not know the contact yet
     */
    public boolean permissions(String externalId, Map<Long, Boolean> bits) {
        JsonObject request =
                Json.createObjectBuilder()
                        .add("purge", false)
                        .add("contact", contact(externalId, Map.of(), bits))
                        .build();
        return answered(send("PUT contact/{id}", () -> client.update(externalId, request), true));
    }

    /** One page of a paged Spotler list; {@code next} is the after of the next page, or null. */
    public record Page<T>(List<T> items, Integer next) {}

    /**
     * One page of the contacts changed in Spotler within [from, to] (GET /contact/updates/list).
     * One page per call, so the timeout and retries apply to each page: after a large backfill an
     * hour's window holds every contact, far more than one call's timeout can read.
     */
    public Page<SpotlerContact> changedContacts(Instant from, Instant to, int after) {
        return page(
                "GET contact/updates/list",
                "contacts",
                after,
                PAGE_SIZE,
                a -> client.updates(date(from), date(to), PAGE_SIZE, a),
                SpotlerContact::from);
    }

    /** One page of the hard and soft bounces within [from, to] (GET /contact/bounces/list). */
    public Page<SpotlerBounce> bounces(Instant from, Instant to, int after) {
        return page(
                "GET contact/bounces/list",
                "bounces",
                after,
                PAGE_SIZE,
                a -> client.bounces(date(from), date(to), PAGE_SIZE, a),
                SpotlerBounce::from);
    }

    /** One mailing interaction of GET /mailing-interaction/{sent|opened|clicked|bounced}. */
    public record Interaction(
            String id,
            String externalContactId,
            String mailingId,
            java.time.Instant date,
            String name,
            String subject,
            String onlineVersionLink,
            String bounceType) {}

    /**
     * One page of a feed of mailing interactions whose change date lies in [from, to]. One page per
     * call, so the timeout and retries of this gateway apply to each page, not to a whole feed.
     */
    public Page<Interaction> interactions(String kind, Instant from, Instant to, int after) {
        return page(
                "GET mailing-interaction/" + kind,
                "interactions",
                after,
                FEED_PAGE_SIZE,
                a -> client.interactions(kind, date(from), date(to), FEED_PAGE_SIZE, a),
                i ->
                        new Interaction(
                                i.getString("id", ""),
                                i.getString("externalContactId", ""),
                                i.getString("encryptedMailingId", ""),
                                SpotlerBounce.date(i.get("date")),
                                i.getString("name", ""),
                                i.getString("subject", ""),
                                i.getString("onlineVersionLink", ""),
                                i.getString("bounceType", "")));
    }

    /** What a mailing is: EMAIL or SMS, its name and subject. */
    public record Mailing(String id, String type, String name, String subject) {}

    /**
     * GET /mailing/{id}, or GET /campaign-mailing/{id} for a mailing of a triggered campaign; empty
     * when Spotler knows neither.
     */
    public Optional<Mailing> mailing(String encryptedMailingId) {
        Response response =
                send("GET mailing/{id}", () -> client.mailing(encryptedMailingId), true);
        if (response == null) {
            response =
                    send(
                            "GET campaign-mailing/{id}",
                            () -> client.campaignMailing(encryptedMailingId),
                            true);
        }
        if (response == null) {
            return Optional.empty();
        }
        JsonObject m = read(response).asJsonObject();
        JsonObject message = m.getJsonObject("message");
        return Optional.of(
                new Mailing(
                        encryptedMailingId,
                        m.getString("type", "EMAIL"),
                        m.getString("name", ""),
                        message == null ? "" : message.getString("subject", "")));
    }

    /** The name of a mailing (GET /mailing/{id}), or empty when Spotler does not know it. */
    public Optional<String> mailingName(String encryptedMailingId) {
        Response response =
                send("GET mailing/{id}", () -> client.mailing(encryptedMailingId), true);
        if (response == null) {
            return Optional.empty();
        }
        JsonObject mailing = read(response).asJsonObject();
        return Optional.ofNullable(mailing.getString("name", null));
    }

    /** One contact of a batch upsert. */
    public record ContactWrite(
            String externalId,
            Map<String, JsonValue> properties,
            boolean created,
            Map<Long, Boolean> permissions) {}

    /**
     * Spotler's per-item answer of POST /contact/list: code OK, CONTACT_OPTOUT, PROPERTY_INVALID, …
     */
    public record ContactResult(String externalId, String code, String message) {}

    /**
     * Creates or updates up to 100 contacts in one POST /contact/list (update:true, purge:false).
     *
     * @return Spotler's per-item codes, in request order
     */
    public List<ContactResult> upsertAll(List<ContactWrite> writes) {
        if (writes.size() > 100) {
            throw new IllegalArgumentException("POST /contact/list takes at most 100 contacts");
        }
        JsonArrayBuilder contacts = Json.createArrayBuilder();
        for (ContactWrite write : writes) {
            JsonObjectBuilder contact =
                    contact(write.externalId(), write.properties(), write.permissions());
            if (write.created()
                    && write.properties().get("email") instanceof jakarta.json.JsonString) {
                contact.add(
                        "channels",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "EMAIL")
                                                .add("value", true)));
            }
            contacts.add(contact);
        }
        JsonObject request =
                Json.createObjectBuilder()
                        .add("update", true)
                        .add("purge", false)
                        .add("contacts", contacts)
                        .build();
        JsonValue answer = read(call("POST contact/list", () -> client.upsertAll(request)));
        List<ContactResult> results = new ArrayList<>();
        if (answer.getValueType() == JsonValue.ValueType.ARRAY) {
            answer.asJsonArray()
                    .forEach(
                            item -> {
                                JsonObject o = item.asJsonObject();
                                results.add(
                                        new ContactResult(
                                                o.getString("externalId", ""),
                                                o.getString("code", "OK"),
                                                o.getString("message", "")));
                            });
        }
        return results;
    }

    /** The audience's name, or empty when Spotler has no audience with that externalId. */
    public Optional<String> audienceName(String externalId) {
        Response response = send("GET audience/{id}", () -> client.audience(externalId), true);
        return response == null
                ? Optional.empty()
                : Optional.of(read(response).asJsonObject().getString("name", ""));
    }

    public void createAudience(String externalId, String name) {
        JsonObject audience =
                Json.createObjectBuilder()
                        .add("externalId", externalId)
                        .add("name", name)
                        .add("description", "Dynamics 365 marketing list, synced by Spotbridge")
                        .build();
        call("POST audience", () -> client.createAudience(audience)).close();
    }

    public void renameAudience(String externalId, String name) {
        JsonObject audience =
                Json.createObjectBuilder().add("externalId", externalId).add("name", name).build();
        call("PUT audience/{id}", () -> client.updateAudience(externalId, audience)).close();
    }

    /**
     * @return false when there was no such audience
     */
    public boolean deleteAudience(String externalId) {
        return answered(
                send("DELETE audience/{id}", () -> client.deleteAudience(externalId), true));
    }

    /** Adds members, 2500 per call (the API's limit). */
    public int addToAudience(String externalId, List<String> contacts) {
        return inChunks(
                contacts,
                2500,
                chunk ->
                        call(
                                        "POST audience/{id}/contact",
                                        () ->
                                                client.addAudienceContacts(
                                                        externalId, contactList(chunk)))
                                .close());
    }

    /** Removes members, 2500 per call; null removes every member. */
    public int removeFromAudience(String externalId, List<String> contacts) {
        if (contacts == null) {
            call(
                            "DELETE audience/{id}/contact",
                            () -> client.removeAudienceContacts(externalId, null))
                    .close();
            return 1;
        }
        return inChunks(
                contacts,
                2500,
                chunk ->
                        call(
                                        "DELETE audience/{id}/contact",
                                        () ->
                                                client.removeAudienceContacts(
                                                        externalId, contactList(chunk)))
                                .close());
    }

    /** A campaign with external triggers (GET /campaign/list). */
    public record Campaign(
            String encryptedId, String name, boolean active, List<String> triggers) {}

    public List<Campaign> campaigns() {
        List<Campaign> campaigns = new ArrayList<>();
        read(call("GET campaign/list", client::campaigns))
                .asJsonArray()
                .forEach(
                        item -> {
                            JsonObject c = item.asJsonObject();
                            List<String> triggers = new ArrayList<>();
                            if (c.getJsonArray("triggers") != null) {
                                c.getJsonArray("triggers")
                                        .forEach(
                                                t ->
                                                        triggers.add(
                                                                t.asJsonObject()
                                                                        .getString(
                                                                                "encryptedId",
                                                                                "")));
                            }
                            campaigns.add(
                                    new Campaign(
                                            c.getString("encryptedId", ""),
                                            c.getString("name", ""),
                                            c.getBoolean("active", true),
                                            triggers));
                        });
        return campaigns;
    }

    /** What became of one contact in a campaign call: done, or Spotler's reason why not. */
    public record Outcome(boolean done, String reason) {}

    /**
     * POST /campaign/trigger/{trigger}: 204 done; 400/404 are the contact's outcome, not a failure
     * of the call.
     */
    public Outcome triggerCampaign(String triggerId, String externalId) {
        return outcome(
                "POST campaign/trigger/{id}",
                () -> client.triggerCampaign(triggerId, contactRequest(externalId)));
    }

    /** POST /campaign/{campaign}/stop. */
    public Outcome stopCampaign(String campaignId, String externalId) {
        return outcome(
                "POST campaign/{id}/stop",
                () -> client.stopCampaign(campaignId, contactRequest(externalId)));
    }

    /**
     * POST /automation/trigger/{code}: 200 done; 404/417 carry the result (TRIGGER_NOTFOUND,
     * NOT_TRIGGERED …).
     */
    public Outcome triggerAutomation(String code, String externalId) {
        Response response;
        try {
            response = client.triggerAutomation(code, contactRequest(externalId));
        } catch (ProcessingException | RateLimitFilter.Throttled e) {
            throw unavailable("POST automation/trigger/{code}", e);
        }
        int status = response.getStatus();
        if (status == 200 || status == 404 || status == 417) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            JsonObject result = errorObject(body);
            String reason = result.getString("result", status == 200 ? "OK" : "NOT_TRIGGERED");
            if (result.getJsonArray("automationResults") != null) {
                for (JsonValue r : result.getJsonArray("automationResults")) {
                    String each = r.asJsonObject().getString("result", "");
                    if (!"OK".equals(each)) {
                        reason = reason + " (" + each + ")";
                    }
                }
            }
            return new Outcome(status == 200, reason);
        }
        check("POST automation/trigger/{code}", response, false);
        return new Outcome(true, "OK");
    }

    private Outcome outcome(String what, java.util.function.Supplier<Response> request) {
        Response response;
        try {
            response = request.get();
        } catch (ProcessingException | RateLimitFilter.Throttled e) {
            throw unavailable(what, e);
        }
        int status = response.getStatus();
        if (status == 400 || status == 404) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            JsonObject error = errorObject(body);
            return new Outcome(false, error.getString("message", "HTTP " + status));
        }
        check(what, response, false).close();
        return new Outcome(true, "OK");
    }

    private static JsonObject contactRequest(String externalId) {
        return Json.createObjectBuilder().add("externalContactId", externalId).build();
    }

    private static JsonObject contactList(List<String> contacts) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        contacts.forEach(list::add);
        return Json.createObjectBuilder().add("contacts", list).build();
    }

    private static int inChunks(
            List<String> items, int size, java.util.function.Consumer<List<String>> call) {
        int calls = 0;
        for (int i = 0; i < items.size(); i += size) {
            call.accept(items.subList(i, Math.min(items.size(), i + size)));
            calls++;
        }
        return calls;
    }

    /**
     * Reads a paged list: both the documented envelope {paging, <field>[]} and the bare array some
     * versions answer with; follows paging.after until a page is short or has no next.
     */
    /** One page of a paged list; the after of the next page, or null at the last. */
    private <T> Page<T> page(
            String what,
            String field,
            int from,
            int pageSize,
            java.util.function.IntFunction<Response> page,
            java.util.function.Function<JsonObject, T> item) {
        JsonValue answer = read(call(what, () -> page.apply(from)));
        jakarta.json.JsonArray items;
        JsonObject paging = null;
        if (answer.getValueType() == JsonValue.ValueType.ARRAY) {
            items = answer.asJsonArray();
        } else {
            JsonObject envelope = answer.asJsonObject();
            items =
                    envelope.containsKey(field)
                            ? envelope.getJsonArray(field)
                            : Json.createArrayBuilder().build();
            paging = envelope.getJsonObject("paging");
        }
        List<T> out = new ArrayList<>(items.size());
        items.forEach(v -> out.add(item.apply(v.asJsonObject())));
        boolean more =
                paging != null
                        ? paging.containsKey("next") && !paging.isNull("next")
                        : items.size() >= pageSize;
        if (!more || items.isEmpty()) {
            return new Page<>(out, null);
        }
        return new Page<>(
                out,
                paging != null && paging.containsKey("after")
                        ? paging.getInt("after")
                        : from + items.size());
    }

    /** fromDate/toDate as restdoc gives them: yyyy-MM-ddTHH:mm:ss, in the account's time zone. */
    private String date(Instant instant) {
        return java.time.LocalDateTime.ofInstant(instant, java.time.ZoneId.of(timezone))
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
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
                        .add("purge", true)
                        .add("contact", contact(externalId, Map.of(), off))
                        .build();
        return answered(send("PUT contact/{id}", () -> client.update(externalId, request), true));
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

    /** True for an answer (then closed), false for the 404 that send turned into null. */
    private static boolean answered(Response response) {
        if (response == null) {
            return false;
        }
        response.close();
        return true;
    }

    /** A call that got no answer: throttled on our side, or Spotler unreachable. */
    private SpotlerUnavailableException unavailable(String what, RuntimeException e) {
        RateLimitFilter.Throttled throttled = RateLimitFilter.Throttled.in(e);
        if (throttled != null) {
            return new SpotlerThrottledException(what + ": " + throttled.getMessage());
        }
        calls.unreachable();
        return new SpotlerUnavailableException(what + ": " + e.getMessage(), e);
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
        } catch (ProcessingException | RateLimitFilter.Throttled e) {
            throw unavailable(what, e);
        }
        return check(what, response, notFoundIsAnswer);
    }

    /**
     * 2xx → the response; 404 → null when that is an answer; 429/5xx → unavailable; other →
     * rejected.
     */
    private Response check(String what, Response response, boolean notFoundIsAnswer) {
        int status = response.getStatus();
        if (status >= 200 && status < 300) {
            return response;
        }
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        if (status == 404 && notFoundIsAnswer) {
            return null;
        }
        if (status == 429) {
            Duration wait = RetryAfter.parse(response.getHeaderString("Retry-After"));
            if (wait.toSeconds() > maxRetryAfterSeconds) {
                // longer than a call may wait: the change goes back on the queue for that long
                throw new SpotlerThrottledException(
                        what + ": 429 Too Many Requests (Retry-After " + wait.toSeconds() + " s)",
                        wait);
            }
            RetryAfter.sleep(wait);
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
