package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Emulates the Spotler Mail+ contact API at /sandbox/spotler/integrationservice, following the
 * Swagger 1.2 description: OAuth 1.0a one-legged HMAC-SHA1 verified on every call (401 otherwise),
 * ErrorResponse bodies {errorType, message}, 204 for writes, contact properties checked against the
 * account's property list.
 */
@ApplicationScoped
@SpotlerApiFilter.SpotlerApi
@Path("spotler")
@Produces(MediaType.APPLICATION_JSON)
public class SpotlerSandbox {

    static final String KIND = "spotler.contact";

    static final String BOUNCE = "spotler.bounce";

    static final String MAILING = "spotler.mailing";

    static final String AUDIENCE = "spotler.audience";

    static final String CAMPAIGN = "spotler.campaign";

    static final String TEMPLIST = "spotler.templist";

    /**
     * Whether the emulated account's edition has lists (audiences): Automation and eCommerce do; on
     * the others every /audience call answers 403.
     */
    private volatile boolean audiences = true;

    static final String AUTOMATION = "spotler.automation";

    static final String INTERACTION = "spotler.interaction";

    static final String CAMPAIGN_MAILING = "spotler.campaign-mailing";

    /** A form a contact submitted: {externalId, form, formResultId, submitDate, completed}. */
    static final String FORM_HISTORY = "spotler.form-history";

    /** A click of a link of a mailing by a contact: {mailing, externalId, clickDate, linkId}. */
    static final String CLICK = "spotler.click";

    /** The links every sandbox mailing has (MailingLink). */
    private static final JsonArray LINKS =
            Json.createArrayBuilder()
                    .add(
                            Json.createObjectBuilder()
                                    .add("id", 1)
                                    .add("name", "Spring offer")
                                    .add("url", "https://shop.example.com/spring")
                                    .add("code", "spring")
                                    .add("type", "webshop"))
                    .add(
                            Json.createObjectBuilder()
                                    .add("id", 2)
                                    .add("name", "Read online")
                                    .add("url", "https://sandbox.spotler.example/online")
                                    .add("code", "online")
                                    .add("type", "openhtml"))
                    .add(
                            Json.createObjectBuilder()
                                    .add("id", 3)
                                    .add("name", "Edit your profile")
                                    .add("url", "https://sandbox.spotler.example/profile")
                                    .add("code", "profile")
                                    .add("type", "editprofile"))
                    .build();

    static final String SEQUENCE = "spotler.sequence";

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private static final long CLOCK_SKEW_SECONDS = 300;

    @Inject SandboxStore store;

    /** The time zone of the emulated account: feeds take and give local times in it. */
    @Inject
    @ConfigProperty(name = "sandbox.spotler.timezone", defaultValue = "Europe/Amsterdam")
    String timezone;

    /** The OAuth 1.0a consumer the emulated account accepts (not secrets: a sandbox's). */
    @Inject
    @ConfigProperty(name = "sandbox.spotler.consumer.key", defaultValue = "sandbox-consumer-key")
    String consumerKey;

    private final Faults faults = new Faults();

    private final AtomicLong requests = new AtomicLong();

    private final AtomicLong writes = new AtomicLong();

    /** Contacts written (created, changed, blanked), however many one request carried. */
    private final AtomicLong contactWrites = new AtomicLong();

    private final AtomicLong refusedSignatures = new AtomicLong();

    /** Requests answered by an injected fault. */
    private final AtomicLong faulted = new AtomicLong();

    private final Set<String> nonces =
            Collections.synchronizedSet(
                    Collections.newSetFromMap(
                            new LinkedHashMap<>() {
                                @Override
                                protected boolean removeEldestEntry(
                                        Map.Entry<String, Boolean> eldest) {
                                    return size() > 50_000;
                                }
                            }));

    /** The matching ids of paged queries, by query without its after (the last few queries). */
    private final Map<String, List<String>> snapshots =
            Collections.synchronizedMap(
                    new LinkedHashMap<>(16, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(
                                Map.Entry<String, List<String>> eldest) {
                            return size() > 20;
                        }
                    });

    @Inject
    @ConfigProperty(
            name = "sandbox.spotler.consumer.secret",
            defaultValue = "sandbox-consumer-secret")
    String consumerSecret;

    /** The fault switch (called through the CDI proxy: fields of a proxy are not the bean's). */
    Faults faults() {
        return faults;
    }

    JsonObject stats() {
        return Json.createObjectBuilder()
                .add("requests", requests.get())
                .add("writes", writes.get())
                .add("contactWrites", contactWrites.get())
                .add("refusedSignatures", refusedSignatures.get())
                .add("faulted", faulted.get())
                .add("contacts", store.count(KIND))
                .build();
    }

    @GET
    @Path("integrationservice/contact/properties/list")
    public Response properties() {
        return Response.ok(SpotlerAccount.properties()).build();
    }

    @GET
    @Path("integrationservice/contact/{externalId}")
    public Response contact(@PathParam("externalId") String externalId) {
        return store.get(KIND, externalId)
                .map(c -> Response.ok(view(c)).build())
                .orElseGet(() -> notFound());
    }

    @POST
    @Path("integrationservice/contact")
    public Response create(String body) {
        JsonObject contactRequest = object(body);
        JsonObject contact = contactOf(contactRequest);
        String id = contact.getString("externalId", "");
        if (id.isBlank()) {
            throw bad("INVALID_PARAMS", "Contact without externalId found");
        }
        String problem = invalid(contact);
        if (problem != null) {
            throw bad(problem.startsWith("Email") ? "INVALID_PARAMS" : "INVALID_PROPERTY", problem);
        }
        boolean update = contactRequest.getBoolean("update", false);
        if (!update && store.get(KIND, id).isPresent()) {
            throw bad("CONTACT_ALREADY_EXISTS", "Contact already exists");
        }
        store.update(
                KIND,
                id,
                current -> merge(current, contact, contactRequest.getBoolean("purge", false)));
        contactWrites.incrementAndGet();
        return Response.noContent().build();
    }

    @PUT
    @Path("integrationservice/contact/{externalId}")
    public Response update(@PathParam("externalId") String externalId, String body) {
        JsonObject contactRequest = object(body);
        JsonObject contact = contactOf(contactRequest);
        String problem = invalid(contact);
        if (problem != null) {
            throw bad(problem.startsWith("Email") ? "INVALID_PARAMS" : "INVALID_PROPERTY", problem);
        }
        if (store.get(KIND, externalId).isEmpty()) {
            return notFound();
        }
        store.update(
                KIND,
                externalId,
                current -> merge(current, contact, contactRequest.getBoolean("purge", false)));
        contactWrites.incrementAndGet();
        return Response.noContent().build();
    }

    /**
     * Up to 100 contacts, in one transaction: a database commit per contact made the sandbox's
     * commits the largest share of the drain's CPU (each commit of the file database rewrites the
     * changed pages).
     */
    @POST
    @Path("integrationservice/contact/list")
    @Transactional
    public Response createAll(String body) {
        JsonObject addRequest = object(body);
        JsonArray contacts = addRequest.getJsonArray("contacts");
        if (contacts == null) {
            throw bad("INVALID_PARAMS", "No contacts provided");
        }
        if (contacts.size() > 100) {
            throw bad("INVALID_PARAMS", "Too many contacts provided (max is 100)");
        }
        for (JsonValue c : contacts) {
            if (c.getValueType() != JsonValue.ValueType.OBJECT
                    || c.asJsonObject().getString("externalId", "").isBlank()) {
                throw bad("INVALID_PARAMS", "Contact without externalId found");
            }
        }
        boolean update = addRequest.getBoolean("update", false);
        boolean purge = addRequest.getBoolean("purge", false);
        JsonArrayBuilder results = Json.createArrayBuilder();
        for (JsonValue c : contacts) {
            JsonObject contact = c.asJsonObject();
            String id = contact.getString("externalId");
            String problem = invalid(contact);
            Optional<JsonObject> existing = store.get(KIND, id);
            String code;
            String message;
            if (problem != null) {
                code = "PROPERTY_INVALID";
                message = problem;
            } else if (existing.isPresent() && !update) {
                code = "CONTACT_ALREADY_EXISTS";
                message = "Contact already exists";
            } else {
                JsonObject stored =
                        store.update(KIND, id, current -> merge(current, contact, purge));
                contactWrites.incrementAndGet();
                boolean optedOut = stored.getBoolean("optedOut", false);
                code = optedOut ? "CONTACT_OPTOUT" : "OK";
                message = optedOut ? "Contact is opted out" : "";
            }
            results.add(
                    Json.createObjectBuilder()
                            .add("externalId", id)
                            .add("code", code)
                            .add("message", message));
        }
        return Response.ok(results.build()).build();
    }

    @PUT
    @Path("integrationservice/contact/anonymize/{externalId}")
    public Response anonymize(@PathParam("externalId") String externalId) {
        if (store.get(KIND, externalId).isEmpty()) {
            return notFound();
        }
        store.update(
                KIND,
                externalId,
                current -> {
                    JsonObjectBuilder next = Json.createObjectBuilder(current);
                    next.add(
                            "properties",
                            Json.createObjectBuilder().add("permissions", allPermissionsOff()));
                    next.add("anonymized", true);
                    next.add("lastChanged", System.currentTimeMillis());
                    return next.build();
                });
        return Response.noContent().build();
    }

    @GET
    @Path("integrationservice/contact/updates/list")
    public Response updates(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        List<String> changed = within(uri, after, KIND, "lastChanged", fromDate, toDate, pageSize);
        return Response.ok(
                        page(
                                uri,
                                "contacts",
                                changed,
                                pageSize,
                                after,
                                slice ->
                                        store.getAll(KIND, slice).stream()
                                                .map(SpotlerSandbox::view)
                                                .toList()))
                .build();
    }

    @GET
    @Path("integrationservice/contact/bounces/list")
    public Response bounces(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        List<String> bounces = within(uri, after, BOUNCE, "date", fromDate, toDate, pageSize);
        return Response.ok(
                        page(
                                uri,
                                "bounces",
                                bounces,
                                pageSize,
                                after,
                                slice ->
                                        store.getAll(BOUNCE, slice).stream()
                                                .map(this::bounceView)
                                                .toList()))
                .build();
    }

    @GET
    @Path("integrationservice/mailing/{encryptedMailingId}")
    public Response mailing(@PathParam("encryptedMailingId") String id) {
        return store.get(MAILING, id)
                .map(m -> Response.ok(m).build())
                .orElseGet(() -> mailingNotFound());
    }

    /** MailingStats of a mailing, counted from the sandbox's mailing interactions. */
    @GET
    @Path("integrationservice/mailing/{encryptedMailingId}/statistics")
    public Response statistics(@PathParam("encryptedMailingId") String id) {
        if (store.get(MAILING, id).isEmpty()) {
            return mailingNotFound();
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        Set<String> openers = new HashSet<>();
        for (JsonObject i : store.all(INTERACTION)) {
            if (!id.equals(i.getString("encryptedMailingId", ""))) {
                continue;
            }
            String kind = i.getString("kind");
            String key =
                    "bounced".equals(kind)
                            ? ("HARD".equals(i.getString("bounceType", "")) ? "hard" : "soft")
                            : kind;
            counts.merge(key, 1L, Long::sum);
            if ("opened".equals(kind)) {
                openers.add(i.getString("externalContactId"));
            }
        }
        long sent = counts.getOrDefault("sent", 0L);
        long hard = counts.getOrDefault("hard", 0L);
        long soft = counts.getOrDefault("soft", 0L);
        return Response.ok(
                        Json.createObjectBuilder()
                                .add("sentCount", sent)
                                .add("acceptedCount", Math.max(0, sent - hard - soft))
                                .add("openCount", openers.size())
                                .add("openRenderedCount", openers.size())
                                .add("clickCount", counts.getOrDefault("clicked", 0L))
                                .add("hardbounceCount", hard)
                                .add("softbounceCount", soft)
                                .add("notRetainedAfterBounceCount", hard)
                                .add("conversionClickCount", 0)
                                .add("unsubscribeCount", 0)
                                .add("toWebshopCount", 0)
                                .add("shoppingcartCreatedCount", 0)
                                .add("shoppingcartConvertedCount", 0)
                                .add("conversionValue", 0)
                                .build())
                .build();
    }

    /** MailingContactClickResponse: the clicks of one contact on a mailing's links. */
    @GET
    @Path("integrationservice/mailing/{encryptedMailingId}/clicks/{externalId}")
    public Response contactClicks(
            @PathParam("encryptedMailingId") String id,
            @PathParam("externalId") String externalId,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        if (store.get(MAILING, id).isEmpty()) {
            return mailingNotFound();
        }
        List<JsonObject> clicks =
                clicks(
                        c ->
                                id.equals(c.getString("mailing"))
                                        && externalId.equals(c.getString("externalId")));
        return Response.ok(
                        listPage(
                                uri,
                                "clicks",
                                clicks,
                                pageSize,
                                after,
                                c ->
                                        Json.createObjectBuilder()
                                                .add(
                                                        "clickDate",
                                                        iso(
                                                                c.getJsonNumber("clickDate")
                                                                        .longValue()))
                                                .add("linkId", c.getInt("linkId"))
                                                .build()))
                .build();
    }

    /** CampaignMailingClickResponse: every click on a campaign mailing's links. */
    @GET
    @Path("integrationservice/campaign-mailing/{encryptedMailingId}/clicks")
    public Response campaignClicks(
            @PathParam("encryptedMailingId") String id,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        if (store.get(CAMPAIGN_MAILING, id).isEmpty()) {
            return mailingNotFound();
        }
        List<JsonObject> clicks = clicks(c -> id.equals(c.getString("mailing")));
        return Response.ok(
                        listPage(
                                uri,
                                "clicks",
                                clicks,
                                pageSize,
                                after,
                                c -> {
                                    String externalId = c.getString("externalId");
                                    String encrypted =
                                            store.get(KIND, externalId)
                                                    .map(k -> k.getString("encryptedId", ""))
                                                    .orElse("");
                                    return Json.createObjectBuilder()
                                            .add(
                                                    "contactIdentifier",
                                                    Json.createObjectBuilder()
                                                            .add("externalId", externalId)
                                                            .add("encryptedId", encrypted))
                                            .add(
                                                    "clickDate",
                                                    iso(c.getJsonNumber("clickDate").longValue()))
                                            .add("linkId", c.getInt("linkId"))
                                            .add(
                                                    "campaignSubscriptionId",
                                                    Math.abs(externalId.hashCode() % 1_000_000))
                                            .build();
                                }))
                .build();
    }

    /** The stored clicks that match, in click-date order. */
    private List<JsonObject> clicks(java.util.function.Predicate<JsonObject> which) {
        List<JsonObject> found = new ArrayList<>();
        store.scan(
                CLICK,
                (cid, body) -> {
                    JsonObject c = object(body);
                    if (which.test(c)) {
                        found.add(c);
                    }
                });
        found.sort(
                java.util.Comparator.comparingLong(c -> c.getJsonNumber("clickDate").longValue()));
        return found;
    }

    private static Response mailingNotFound() {
        return Response.status(404)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(SpotlerAccount.error("MAILING_NOTFOUND", "Given mailing not found"))
                .build();
    }

    /** One page {paging, &lt;field&gt;} of a list already read, each item in its view. */
    private static JsonObject listPage(
            UriInfo uri,
            String field,
            List<JsonObject> items,
            Integer pageSize,
            Integer after,
            Function<JsonObject, JsonObject> view) {
        int size = pageSize == null ? 1000 : pageSize;
        if (size < 1 || size > 10000) {
            throw bad("INVALID_PARAMS", "Invalid pageSize");
        }
        // positions stand in for ids: the page's slice of them is its items
        List<String> positions = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            positions.add(Integer.toString(i));
        }
        return page(
                uri,
                field,
                positions,
                size,
                after,
                slice ->
                        slice.stream()
                                .map(i -> view.apply(items.get(Integer.parseInt(i))))
                                .toList());
    }

    @GET
    @Path("integrationservice/campaign-mailing/{encryptedMailingId}")
    public Response campaignMailing(@PathParam("encryptedMailingId") String id) {
        return store.get(CAMPAIGN_MAILING, id)
                .map(m -> Response.ok(m).build())
                .orElseGet(() -> mailingNotFound());
    }

    /**
     * ContactBounce {date, type, contact, encryptedActId}, the contact as GET /contact shows it.
     */
    private JsonObject bounceView(JsonObject bounce) {
        String externalId = bounce.getString("externalId");
        JsonObject contact =
                store.get(KIND, externalId)
                        .map(SpotlerSandbox::view)
                        .orElse(Json.createObjectBuilder().add("externalId", externalId).build());
        return Json.createObjectBuilder()
                .add(
                        "date",
                        dateAs(
                                bounce.getJsonNumber("date").longValue(),
                                bounce.getString("dateAs", "ms")))
                .add("type", bounce.getString("type"))
                .add("contact", contact)
                .add("encryptedActId", bounce.getString("encryptedActId"))
                .build();
    }

    /**
     * Sandbox control: the contact unsubscribes from everything (Inactive: Opt-out), or is
     * re-activated.
     */
    void optOut(String externalId, boolean optedOut) {
        if (store.get(KIND, externalId).isEmpty()) {
            throw new NotFoundException("the Spotler sandbox has no contact " + externalId);
        }
        store.update(
                KIND,
                externalId,
                c ->
                        Json.createObjectBuilder(c)
                                .add("optedOut", optedOut)
                                .add("lastChanged", System.currentTimeMillis())
                                .build());
    }

    /**
     * Sandbox control: the contact submitted a form (a preference page, a survey) that set some of
     * its properties: {"formId": 7, "formName": "Preferences", "properties": {…}, "at": epoch ms
     * (default now)}. The contact's lastChanged becomes that time, and the submission is in its
     * form history (GET /contact/{id}/forms).
     */
    void formSubmitted(String externalId, JsonObject spec) {
        if (store.get(KIND, externalId).isEmpty()) {
            throw new NotFoundException("the Spotler sandbox has no contact " + externalId);
        }
        long at =
                spec.containsKey("at")
                        ? spec.getJsonNumber("at").longValue()
                        : System.currentTimeMillis();
        JsonObject properties = spec.getJsonObject("properties");
        store.update(
                KIND,
                externalId,
                c -> {
                    JsonObjectBuilder props =
                            Json.createObjectBuilder(c.getJsonObject("properties"));
                    if (properties != null) {
                        properties.forEach(props::add);
                    }
                    return Json.createObjectBuilder(c)
                            .add("properties", props)
                            .add("lastChanged", at)
                            .build();
                });
        int formId = spec.getInt("formId", 1);
        int resultId = reserve("form-result", 1);
        JsonObject submission =
                Json.createObjectBuilder()
                        .add("externalId", externalId)
                        .add(
                                "form",
                                Json.createObjectBuilder()
                                        .add("id", formId)
                                        .add(
                                                "name",
                                                spec.getString(
                                                        "formName", "Sandbox form " + formId))
                                        .add(
                                                "formSubType",
                                                spec.getString("formSubType", "editProfile"))
                                        .add("formState", "final"))
                        .add("formResultId", resultId)
                        .add("submitDate", at)
                        .add("completed", true)
                        .build();
        store.update(FORM_HISTORY, UUID.randomUUID().toString(), x -> submission);
    }

    /** FormHistoryResponse: the forms a contact submitted, newest first. */
    @GET
    @Path("integrationservice/contact/{externalId}/forms")
    public Response forms(
            @PathParam("externalId") String externalId,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        if (store.get(KIND, externalId).isEmpty()) {
            return notFound();
        }
        List<JsonObject> submissions = new ArrayList<>();
        store.scan(
                FORM_HISTORY,
                (id, body) -> {
                    JsonObject f = object(body);
                    if (externalId.equals(f.getString("externalId"))) {
                        submissions.add(f);
                    }
                });
        submissions.sort(
                java.util.Comparator.comparingLong(
                                (JsonObject f) -> f.getJsonNumber("submitDate").longValue())
                        .reversed());
        return Response.ok(
                        listPage(
                                uri,
                                "formHistories",
                                submissions,
                                pageSize,
                                after,
                                f ->
                                        Json.createObjectBuilder()
                                                .add("form", f.getJsonObject("form"))
                                                .add("formResultId", f.getInt("formResultId"))
                                                .add(
                                                        "submitDate",
                                                        iso(
                                                                f.getJsonNumber("submitDate")
                                                                        .longValue()))
                                                .add("completed", f.getBoolean("completed"))
                                                .build()))
                .build();
    }

    /**
     * A mailing as GET /mailing/{id} answers it (MailingDetails), or, for a mailing of a triggered
     * campaign, as GET /campaign-mailing/{id} does (CampaignMailingDetails: no schedule, count,
     * sender or target group).
     */
    private JsonObject mailingDetails(
            String id, String name, String type, String subject, boolean campaign) {
        JsonObjectBuilder details =
                Json.createObjectBuilder()
                        .add("encryptedId", id)
                        .add("name", name)
                        .add("type", type);
        if (!campaign) {
            details.add("scheduledStartDate", iso(System.currentTimeMillis()))
                    .add("sentCount", 0)
                    .add("sender", "Sandbox <news@sandbox.spotler.example>")
                    .add("targetGroup", "Spotbridge sandbox");
        }
        return details.add(
                        "message",
                        Json.createObjectBuilder()
                                .add("name", name)
                                .add("author", "Sandbox")
                                .add("subject", subject)
                                .add("fromName", "Sandbox")
                                .add("fromEmail", "news@sandbox.spotler.example"))
                .add("links", LINKS)
                .build();
    }

    /**
     * Sandbox control: a bounce of a contact in a mailing (the mailing is created when unknown).
     */
    void bounce(JsonObject spec) {
        String mailing = spec.getString("encryptedActId", "sandbox-mailing-1");
        String name = spec.getString("mailingName", "Sandbox newsletter");
        if (store.get(MAILING, mailing).isEmpty()) {
            JsonObject details =
                    mailingDetails(mailing, name, "EMAIL", "News from the sandbox", false);
            store.update(MAILING, mailing, m -> details);
        }
        long date =
                spec.containsKey("date")
                        ? spec.getJsonNumber("date").longValue()
                        : System.currentTimeMillis();
        JsonObjectBuilder b =
                Json.createObjectBuilder()
                        .add("externalId", spec.getString("externalId"))
                        .add("type", spec.getString("type", "HARDBOUNCE"))
                        .add("encryptedActId", mailing)
                        .add("date", date);
        if (spec.containsKey("dateAs")) {
            b.add("dateAs", spec.getString("dateAs"));
        }
        JsonObject bounce = b.build();
        store.update(BOUNCE, UUID.randomUUID().toString(), x -> bounce);
    }

    /**
     * A stored date (epoch ms) as the answer gives it. Spotler's responses are not uniform (the
     * contact API's date-time fields come as epoch numbers, the interaction feeds' as ISO 8601
     * strings, and clients have seen both), so a sandbox control may ask for a form: "ms" (epoch
     * milliseconds), "s" (epoch seconds), "iso" (with offset), "local" (no offset: the account's
     * time zone), or any other text to be sent as it is (an unreadable date).
     */
    private JsonValue dateAs(long epochMillis, String form) {
        return switch (form) {
            case "ms" -> Json.createValue(epochMillis);
            case "s" -> Json.createValue(epochMillis / 1000);
            case "iso" -> Json.createValue(iso(epochMillis));
            case "local" ->
                    Json.createValue(
                            LocalDateTime.ofInstant(
                                            Instant.ofEpochMilli(epochMillis), ZoneId.of(timezone))
                                    .truncatedTo(ChronoUnit.SECONDS)
                                    .toString());
            default -> Json.createValue(form);
        };
    }

    /**
     * The ids of the stored objects of a kind whose time field lies in the fromDate/toDate window,
     * in id order: from one scan at the first page, kept for the following pages of the same query.
     */
    private List<String> within(
            UriInfo uri,
            Integer after,
            String kind,
            String field,
            String fromDate,
            String toDate,
            Integer pageSize) {
        long[] window = window(fromDate, toDate, pageSize);
        return snapshot(
                uri,
                after,
                () -> {
                    List<String> ids = new ArrayList<>();
                    store.scan(
                            kind,
                            (id, body) -> {
                                long at = Long.parseLong(SandboxStore.field(body, field));
                                if (at >= window[0] && at <= window[1]) {
                                    ids.add(id);
                                }
                            });
                    return ids;
                });
    }

    /**
     * The ids a paged query matches: computed at its first page (no after, or 0) and reused by the
     * next pages of the same query, so paging through N items scans the store once, not once per
     * page.
     */
    private List<String> snapshot(UriInfo uri, Integer after, Supplier<List<String>> compute) {
        String key = uri.getRequestUriBuilder().replaceQueryParam("after").build().toString();
        List<String> ids = after == null || after == 0 ? null : snapshots.get(key);
        if (ids == null) {
            ids = compute.get();
            snapshots.put(key, ids);
        }
        return ids;
    }

    /**
     * [from, to] in epoch ms of a fromDate/toDate pair; both and pageSize are required, as in the
     * Swagger.
     */
    private long[] window(String fromDate, String toDate, Integer pageSize) {
        if (pageSize == null || pageSize < 1) {
            throw bad("INVALID_PARAMS", "Invalid pageSize");
        }
        return new long[] {instant(fromDate, "fromDate"), instant(toDate, "toDate")};
    }

    /** yyyy-MM-ddTHH:mm:ss in the account's time zone (restdoc), or ISO-8601 with an offset. */
    private long instant(String text, String name) {
        if (text == null || text.isBlank()) {
            throw bad("INVALID_PARAMS", "Invalid " + name);
        }
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (RuntimeException withoutOffset) {
            try {
                return LocalDateTime.parse(text)
                        .atZone(ZoneId.of(timezone))
                        .toInstant()
                        .toEpochMilli();
            } catch (RuntimeException e) {
                throw bad("INVALID_PARAMS", "Invalid " + name);
            }
        }
    }

    private static JsonObject page(
            UriInfo uri,
            String field,
            List<String> ids,
            int pageSize,
            Integer after,
            Function<List<String>, List<JsonObject>> load) {
        int from = after == null ? 0 : after;
        JsonArrayBuilder page = Json.createArrayBuilder();
        if (from < ids.size()) {
            load.apply(ids.subList(from, Math.min(ids.size(), from + pageSize))).forEach(page::add);
        }
        JsonObjectBuilder paging = Json.createObjectBuilder();
        if (from + pageSize < ids.size()) {
            paging.add(
                    "next",
                    uri.getRequestUriBuilder()
                            .replaceQueryParam("after", from + pageSize)
                            .build()
                            .toString());
            paging.add("after", from + pageSize);
        }
        return Json.createObjectBuilder().add("paging", paging).add(field, page).build();
    }

    @POST
    @Path("integrationservice/audience")
    public Response createAudience(String body) {
        JsonObject audience = object(body);
        String id = audience.getString("externalId", "");
        String name = audience.getString("name", "");
        if (id.isBlank() || name.isBlank() || id.length() > 255 || name.length() > 255) {
            throw expectation(
                    "INVALID_PARAMS",
                    "Audience externalId and name are required and at most 255 characters");
        }
        if (store.get(AUDIENCE, id).isPresent() || audienceNamed(name, null)) {
            throw expectation("NAME_ALREADY_IN_USE", "Audience externalId or name is not unique");
        }
        long now = System.currentTimeMillis();
        JsonObject stored =
                store.update(
                        AUDIENCE,
                        id,
                        a ->
                                Json.createObjectBuilder()
                                        .add("externalId", id)
                                        .add("name", name)
                                        .add("description", audience.getString("description", ""))
                                        .add("createDate", now)
                                        .add("changeDate", now)
                                        .add("members", Json.createArrayBuilder())
                                        .build());
        return Response.ok(audienceView(stored)).build();
    }

    @GET
    @Path("integrationservice/audience/{externalId}")
    public Response audience(@PathParam("externalId") String id) {
        return store.get(AUDIENCE, id)
                .map(a -> Response.ok(audienceView(a)).build())
                .orElseGet(SpotlerSandbox::audienceNotFound);
    }

    @PUT
    @Path("integrationservice/audience/{externalId}")
    public Response updateAudience(@PathParam("externalId") String id, String body) {
        JsonObject audience = object(body);
        if (!id.equals(audience.getString("externalId", id))) {
            throw bad("INVALID_PARAMS", "Path id doesn't match audience id");
        }
        if (store.get(AUDIENCE, id).isEmpty()) {
            return audienceNotFound();
        }
        String name = audience.getString("name", "");
        if (name.isBlank() || name.length() > 255 || audienceNamed(name, id)) {
            throw expectation(
                    "NAME_ALREADY_IN_USE", "Audience name is empty, too long or not unique");
        }
        JsonObject stored =
                store.update(
                        AUDIENCE,
                        id,
                        a ->
                                Json.createObjectBuilder(a)
                                        .add("name", name)
                                        .add(
                                                "description",
                                                audience.getString(
                                                        "description",
                                                        a.getString("description", "")))
                                        .add("changeDate", System.currentTimeMillis())
                                        .build());
        return Response.ok(audienceView(stored)).build();
    }

    @DELETE
    @Path("integrationservice/audience/{externalId}")
    public Response deleteAudience(@PathParam("externalId") String id) {
        return store.delete(AUDIENCE, id) ? Response.noContent().build() : audienceNotFound();
    }

    @POST
    @Path("integrationservice/audience/{externalId}/contact")
    public Response addToAudience(@PathParam("externalId") String id, String body) {
        List<String> contacts = contactIds(body);
        if (store.get(AUDIENCE, id).isEmpty()) {
            return audienceNotFound();
        }
        if (contacts.size() > 2500) {
            return Response.status(413).build();
        }
        List<String> unknown = contacts.stream().filter(c -> store.get(KIND, c).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            JsonArrayBuilder ids = Json.createArrayBuilder();
            unknown.forEach(ids::add);
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(
                            Json.createObjectBuilder()
                                    .add("errorType", "CONTACT_NOT_FOUND")
                                    .add("message", "Contacts not found")
                                    .add("externalContactIds", ids)
                                    .build())
                    .build();
        }
        store.update(
                AUDIENCE,
                id,
                a -> {
                    LinkedHashSet<String> members = members(a);
                    members.addAll(contacts);
                    return withMembers(a, members, "lastContactAddedAt");
                });
        return Response.noContent().build();
    }

    @DELETE
    @Path("integrationservice/audience/{externalId}/contact")
    public Response removeFromAudience(@PathParam("externalId") String id, String body) {
        if (store.get(AUDIENCE, id).isEmpty()) {
            return audienceNotFound();
        }
        boolean all = body == null || body.isBlank() || "null".equals(body.trim());
        List<String> contacts = all ? List.of() : contactIds(body);
        if (contacts.size() > 2500) {
            return Response.status(413).build();
        }
        store.update(
                AUDIENCE,
                id,
                a -> {
                    LinkedHashSet<String> members = members(a);
                    if (all) {
                        members.clear();
                    } else {
                        contacts.forEach(members::remove);
                    }
                    return withMembers(a, members, "lastContactRemovedAt");
                });
        return Response.noContent().build();
    }

    /** Sandbox control: the account's edition, with or without lists (audiences). */
    void edition(boolean withAudiences) {
        audiences = withAudiences;
    }

    @POST
    @Path("integrationservice/templist")
    public Response createTemporaryList(String body) {
        JsonObject request = object(body);
        String id = request.getString("externalTemporaryListId", "");
        String name = request.getString("name", "");
        if (id.isBlank() || name.isBlank()) {
            throw bad("INVALID_PARAMS", "externalTemporaryListId and name are required");
        }
        List<String> contacts = contactIds(body);
        if (store.get(TEMPLIST, id).isPresent()) {
            throw bad(
                    "INVALID_PARAMS",
                    "Temporary list with specified externalTemporaryListId already exists");
        }
        if (store.all(TEMPLIST).stream().anyMatch(t -> name.equals(t.getString("name")))) {
            throw bad("NAME_ALREADY_IN_USE", "Temporary list with specified name already exists");
        }
        if (contacts.stream().anyMatch(c -> store.get(KIND, c).isEmpty())) {
            throw bad(
                    "CONTACT_NOT_FOUND",
                    "No templist created, one or more contacts could not be found");
        }
        JsonArrayBuilder members = Json.createArrayBuilder();
        new LinkedHashSet<>(contacts).forEach(members::add);
        JsonObject list =
                Json.createObjectBuilder()
                        .add("externalTemporaryListId", id)
                        .add("name", name)
                        .add("createdAt", System.currentTimeMillis())
                        .add("type", "API")
                        .add("members", members)
                        .build();
        store.update(TEMPLIST, id, t -> list);
        return Response.noContent().build();
    }

    @GET
    @Path("integrationservice/templist")
    public Response temporaryLists() {
        JsonArrayBuilder lists = Json.createArrayBuilder();
        store.all(TEMPLIST)
                .forEach(
                        t -> {
                            JsonObjectBuilder view = Json.createObjectBuilder(t);
                            view.remove("members");
                            lists.add(view);
                        });
        return Response.ok(lists.build()).build();
    }

    @POST
    @Path("integrationservice/templist/{externalTemporaryListId}")
    public Response addToTemporaryList(
            @PathParam("externalTemporaryListId") String id, String body) {
        List<String> contacts = contactIds(body);
        if (store.get(TEMPLIST, id).isEmpty()) {
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(SpotlerAccount.error("RESOURCE_NOT_FOUND", "Temporary list not found"))
                    .build();
        }
        if (contacts.stream().anyMatch(c -> store.get(KIND, c).isEmpty())) {
            throw bad("CONTACT_NOT_FOUND", "One or more contacts could not be found");
        }
        store.update(
                TEMPLIST,
                id,
                t -> {
                    LinkedHashSet<String> members = members(t);
                    members.addAll(contacts);
                    JsonArrayBuilder list = Json.createArrayBuilder();
                    members.forEach(list::add);
                    return Json.createObjectBuilder(t).add("members", list).build();
                });
        return Response.noContent().build();
    }

    @DELETE
    @Path("integrationservice/templist/{externalTemporaryListId}")
    public Response deleteTemporaryList(@PathParam("externalTemporaryListId") String id) {
        if (store.get(TEMPLIST, id).isEmpty()) {
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(SpotlerAccount.error("RESOURCE_NOT_FOUND", "Temporary list not found"))
                    .build();
        }
        store.delete(TEMPLIST, id);
        return Response.noContent().build();
    }

    @GET
    @Path("integrationservice/campaign/list")
    public Response campaigns() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        store.all(CAMPAIGN)
                .forEach(
                        c ->
                                list.add(
                                        Json.createObjectBuilder()
                                                .add("encryptedId", c.getString("encryptedId"))
                                                .add("name", c.getString("name"))
                                                .add("active", c.getBoolean("active", true))
                                                .add("triggers", c.getJsonArray("triggers"))));
        return Response.ok(list.build()).build();
    }

    @POST
    @Path("integrationservice/campaign/trigger/{encryptedTriggerId}")
    public Response trigger(@PathParam("encryptedTriggerId") String triggerId, String body) {
        String contact = object(body).getString("externalContactId", "");
        Optional<JsonObject> campaign =
                store.all(CAMPAIGN).stream()
                        .filter(
                                c ->
                                        c.getJsonArray("triggers").stream()
                                                .anyMatch(
                                                        t ->
                                                                triggerId.equals(
                                                                        t.asJsonObject()
                                                                                .getString(
                                                                                        "encryptedId"))))
                        .findFirst();
        if (campaign.isEmpty()) {
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(SpotlerAccount.error("TRIGGER_NOTFOUND", "Trigger not found"))
                    .build();
        }
        if (store.get(KIND, contact).isEmpty()) {
            throw bad("CONTACT_NOT_FOUND", "Contact not found");
        }
        if (!campaign.get().getBoolean("active", true)) {
            throw bad("INVALID_STATE", "Campaign inactive");
        }
        String campaignId = campaign.get().getString("encryptedId");
        boolean[] already = {false};
        store.update(
                CAMPAIGN,
                campaignId,
                c -> {
                    LinkedHashSet<String> participants = participants(c);
                    already[0] = !participants.add(contact);
                    return withParticipants(c, participants);
                });
        if (already[0]) {
            throw bad("INVALID_STATE", "Contact already in campaign");
        }
        return Response.noContent().build();
    }

    @POST
    @Path("integrationservice/campaign/{encryptedCampaignId}/stop")
    public Response stop(@PathParam("encryptedCampaignId") String campaignId, String body) {
        String contact = object(body).getString("externalContactId", "");
        Optional<JsonObject> campaign = store.get(CAMPAIGN, campaignId);
        if (campaign.isEmpty()) {
            return Response.status(404)
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(SpotlerAccount.error("CAMPAIGN_NOTFOUND", "Campaign not found"))
                    .build();
        }
        if (store.get(KIND, contact).isEmpty()) {
            throw bad("CONTACT_NOT_FOUND", "Contact not found");
        }
        if (!participants(campaign.get()).contains(contact)) {
            throw bad("INVALID_STATE", "Campaign not triggered");
        }
        store.update(
                CAMPAIGN,
                campaignId,
                c -> {
                    LinkedHashSet<String> participants = participants(c);
                    participants.remove(contact);
                    return withParticipants(c, participants);
                });
        return Response.noContent().build();
    }

    @POST
    @Path("integrationservice/automation/trigger/{triggerCode}")
    public Response automation(@PathParam("triggerCode") String code, String body) {
        String contact = object(body).getString("externalContactId", "");
        Optional<JsonObject> automation = store.get(AUTOMATION, code);
        if (automation.isEmpty()) {
            return automationAnswer(404, "TRIGGER_NOTFOUND", null, null);
        }
        if (store.get(KIND, contact).isEmpty()) {
            return automationAnswer(404, "CONTACT_NOTFOUND", null, null);
        }
        String automationId = automation.get().getString("automationId");
        boolean[] already = {false};
        store.update(
                AUTOMATION,
                code,
                a -> {
                    LinkedHashSet<String> participants = participants(a);
                    already[0] = !participants.add(contact);
                    return withParticipants(a, participants);
                });
        return already[0]
                ? automationAnswer(
                        417, "NOT_TRIGGERED", automationId, "PARTICIPATION_LIMIT_REACHED")
                : automationAnswer(200, "OK", automationId, "OK");
    }

    /** Sandbox control: a campaign with external triggers, or an automation trigger code. */
    void campaign(JsonObject spec) {
        if (spec.containsKey("automationCode")) {
            String code = spec.getString("automationCode");
            store.update(
                    AUTOMATION,
                    code,
                    a ->
                            Json.createObjectBuilder()
                                    .add("code", code)
                                    .add("automationId", UUID.randomUUID().toString())
                                    .add("participants", Json.createArrayBuilder())
                                    .build());
            return;
        }
        String id = spec.getString("encryptedId");
        store.update(
                CAMPAIGN,
                id,
                c ->
                        Json.createObjectBuilder()
                                .add("encryptedId", id)
                                .add("name", spec.getString("name", id))
                                .add("active", spec.getBoolean("active", true))
                                .add(
                                        "triggers",
                                        spec.containsKey("triggers")
                                                ? spec.getJsonArray("triggers")
                                                : Json.createArrayBuilder().build())
                                .add("participants", Json.createArrayBuilder())
                                .build());
    }

    /**
     * Sandbox control: an audience with its members, or a campaign/automation with its
     * participants.
     */
    Optional<JsonObject> raw(String kind, String id) {
        return store.get(kind, id);
    }

    private boolean audienceNamed(String name, String except) {
        return store.all(AUDIENCE).stream()
                .anyMatch(
                        a ->
                                name.equals(a.getString("name"))
                                        && !a.getString("externalId").equals(except));
    }

    private static JsonObject audienceView(JsonObject a) {
        JsonObjectBuilder view = Json.createObjectBuilder(a);
        view.remove("members");
        return view.build();
    }

    private static LinkedHashSet<String> members(JsonObject a) {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        a.getJsonArray("members").forEach(m -> set.add(((JsonString) m).getString()));
        return set;
    }

    private static JsonObject withMembers(JsonObject a, Set<String> members, String stamp) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        members.forEach(list::add);
        long now = System.currentTimeMillis();
        return Json.createObjectBuilder(a)
                .add("members", list)
                .add(stamp, now)
                .add("lastSyncDate", now)
                .build();
    }

    private static LinkedHashSet<String> participants(JsonObject c) {
        LinkedHashSet<String> set = new LinkedHashSet<>();
        c.getJsonArray("participants").forEach(m -> set.add(((JsonString) m).getString()));
        return set;
    }

    private static JsonObject withParticipants(JsonObject c, Set<String> participants) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        participants.forEach(list::add);
        return Json.createObjectBuilder(c).add("participants", list).build();
    }

    private static List<String> contactIds(String body) {
        JsonObject request = object(body);
        if (!(request.get("contacts") instanceof JsonArray contacts)) {
            throw bad("INVALID_PARAMS", "contacts is required");
        }
        return contacts.stream().map(c -> ((JsonString) c).getString()).toList();
    }

    private static Response audienceNotFound() {
        return Response.status(404)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(SpotlerAccount.error("RESOURCE_NOT_FOUND", "Audience not found"))
                .build();
    }

    private static WebApplicationException expectation(String type, String message) {
        return new WebApplicationException(
                Response.status(417)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(SpotlerAccount.error(type, message))
                        .build());
    }

    private static Response automationAnswer(
            int status, String result, String automationId, String automationResult) {
        JsonArrayBuilder results = Json.createArrayBuilder();
        if (automationId != null) {
            results.add(
                    Json.createObjectBuilder()
                            .add("automationId", automationId)
                            .add("result", automationResult));
        }
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("result", result)
                                .add("automationResults", results)
                                .build())
                .build();
    }

    @GET
    @Path("integrationservice/mailing-interaction/{kind}")
    public Response interactions(
            @PathParam("kind") String kind,
            @QueryParam("fromChangeDate") String fromChangeDate,
            @QueryParam("toChangeDate") String toChangeDate,
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") Integer pageSize,
            @QueryParam("after") Integer after,
            @Context UriInfo uri) {
        if (!List.of("sent", "opened", "clicked", "bounced").contains(kind)) {
            return Response.status(404).build();
        }
        int size = pageSize == null ? 1000 : pageSize;
        if (size < 1 || size > 10000) {
            throw bad("INVALID_PARAMS", "Invalid pageSize");
        }
        long fromChange =
                fromChangeDate == null ? Long.MIN_VALUE : instant(fromChangeDate, "fromChangeDate");
        long toChange =
                toChangeDate == null ? Long.MAX_VALUE : instant(toChangeDate, "toChangeDate");
        long from = fromDate == null ? Long.MIN_VALUE : instant(fromDate, "fromDate");
        long to = toDate == null ? Long.MAX_VALUE : instant(toDate, "toDate");
        List<String> matching =
                snapshot(
                        uri,
                        after,
                        () -> {
                            // (changeDate, id) of the matches, in changeDate order
                            List<Map.Entry<Long, String>> found = new ArrayList<>();
                            store.scan(
                                    INTERACTION,
                                    (id, body) -> {
                                        if (!kind.equals(SandboxStore.field(body, "kind"))) {
                                            return;
                                        }
                                        long change =
                                                Long.parseLong(
                                                        SandboxStore.field(body, "changeDate"));
                                        long date =
                                                Long.parseLong(SandboxStore.field(body, "date"));
                                        if (change >= fromChange
                                                && change <= toChange
                                                && date >= from
                                                && date <= to) {
                                            found.add(Map.entry(change, id));
                                        }
                                    });
                            found.sort(
                                    Map.Entry.<Long, String>comparingByKey()
                                            .thenComparing(Map.Entry.comparingByValue()));
                            return found.stream().map(Map.Entry::getValue).toList();
                        });
        return Response.ok(
                        page(
                                uri,
                                "interactions",
                                matching,
                                size,
                                after,
                                slice ->
                                        store.getAll(INTERACTION, slice).stream()
                                                .map(
                                                        i -> {
                                                            // stored as epoch ms (for the
                                                            // window), answered as the API types
                                                            // them: ISO 8601 date-time strings
                                                            JsonObjectBuilder view =
                                                                    Json.createObjectBuilder(i);
                                                            view.remove("kind");
                                                            view.remove("dateAs");
                                                            view.add(
                                                                    "date",
                                                                    dateAs(
                                                                            i.getJsonNumber("date")
                                                                                    .longValue(),
                                                                            i.getString(
                                                                                    "dateAs",
                                                                                    "iso")));
                                                            view.add(
                                                                    "changeDate",
                                                                    iso(
                                                                            i.getJsonNumber(
                                                                                            "changeDate")
                                                                                    .longValue()));
                                                            return (JsonObject) view.build();
                                                        })
                                                .toList()))
                .build();
    }

    /**
     * Sandbox control: mailing interactions.
     * {"kind":"sent|opened|clicked|bounced","externalContactIds":[…],
     * "encryptedMailingId","type":"EMAIL|SMS","bounceType":"HARD|SOFT","repeat":n,"dateAs":form}:
     * one interaction per contact (n each with repeat); a sent one creates the mailing when
     * unknown; a bounced one is also a contact bounce.
     */
    @Transactional
    int interactions(JsonObject spec) {
        String kind = spec.getString("kind", "sent");
        String mailing = spec.getString("encryptedMailingId", "sandbox-mailing-1");
        String type = spec.getString("type", "EMAIL");
        String subject =
                spec.getString(
                        "subject", "SMS".equals(type) ? "Text message" : "News from the sandbox");
        String name =
                spec.getString(
                        "mailingName", "SMS".equals(type) ? "Sandbox SMS" : "Sandbox newsletter");
        // a mailing of a triggered campaign is only known to GET /campaign-mailing/{id}
        String mailingKind = spec.getBoolean("campaign", false) ? CAMPAIGN_MAILING : MAILING;
        if (store.get(mailingKind, mailing).isEmpty()) {
            JsonObject details =
                    mailingDetails(
                            mailing, name, type, subject, CAMPAIGN_MAILING.equals(mailingKind));
            store.update(mailingKind, mailing, m -> details);
        }
        int repeat = spec.getInt("repeat", 1);
        if ("sent".equals(kind) && MAILING.equals(mailingKind)) {
            int sent = spec.getJsonArray("externalContactIds").size() * repeat;
            store.update(
                    MAILING,
                    mailing,
                    m ->
                            Json.createObjectBuilder(m)
                                    .add("sentCount", m.getInt("sentCount", 0) + sent)
                                    .build());
        }
        long now = System.currentTimeMillis();
        int made = 0;
        // the API types an interaction's id as int32: each feed numbers its own
        int number =
                reserve(
                        "interaction:" + kind,
                        spec.getJsonArray("externalContactIds").size() * repeat);
        for (JsonValue contact : spec.getJsonArray("externalContactIds")) {
            String externalId = ((JsonString) contact).getString();
            for (int r = 0; r < repeat; r++) {
                String id = UUID.randomUUID().toString();
                long date = now - 1000L * r;
                JsonObjectBuilder i =
                        Json.createObjectBuilder()
                                .add("id", number++)
                                .add("kind", kind)
                                .add("externalContactId", externalId)
                                .add("encryptedMailingId", mailing)
                                .add("trendReportId", 1)
                                .add("date", date)
                                .add("changeDate", now);
                if (spec.containsKey("dateAs")) {
                    i.add("dateAs", spec.getString("dateAs"));
                }
                if ("clicked".equals(kind)) {
                    // the click itself, for GET /mailing/{id}/clicks/{externalId}
                    JsonObject click =
                            Json.createObjectBuilder()
                                    .add("mailing", mailing)
                                    .add("campaign", spec.getBoolean("campaign", false))
                                    .add("externalId", externalId)
                                    .add("clickDate", date)
                                    .add("linkId", spec.getInt("linkId", 1))
                                    .build();
                    store.update(CLICK, UUID.randomUUID().toString(), c -> click);
                }
                if ("sent".equals(kind)) {
                    i.add("name", name)
                            .add("subject", subject)
                            .add(
                                    "onlineVersionLink",
                                    "https://sandbox.spotler.example/online/"
                                            + mailing
                                            + "/"
                                            + externalId);
                }
                if ("bounced".equals(kind)) {
                    String bounceType = spec.getString("bounceType", "HARD");
                    i.add("bounceType", bounceType);
                    store.update(
                            BOUNCE,
                            id,
                            b ->
                                    Json.createObjectBuilder()
                                            .add("externalId", externalId)
                                            .add("type", bounceType + "BOUNCE")
                                            .add("encryptedActId", mailing)
                                            .add("date", date)
                                            .build());
                }
                store.update(INTERACTION, id, x -> i.build());
                made++;
            }
        }
        return made;
    }

    /** Reserves {@code count} numbers of a sequence; answers the first. */
    private int reserve(String sequence, int count) {
        JsonObject counter =
                store.update(
                        SEQUENCE,
                        sequence,
                        c ->
                                Json.createObjectBuilder()
                                        .add("next", (c == null ? 1 : c.getInt("next")) + count)
                                        .build());
        return counter.getInt("next") - count;
    }

    /** An ISO 8601 date-time with the account's offset, as the API's date-time strings are. */
    private String iso(long epochMillis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneId.of(timezone))
                .toString();
    }

    /** The request property of a fault to answer after the request was carried out. */
    static final String AFTER_EFFECT = "sandbox.fault.afterEffect";

    /** The answer of an injected fault, counted. */
    WebApplicationException faultAnswer(Faults.Fault fault) {
        faulted.incrementAndGet();
        Response.ResponseBuilder response =
                Response.status(fault.status())
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(
                                SpotlerAccount.error(
                                        "BACKEND_EXCEPTION",
                                        "sandbox fault injected: " + fault.status()));
        if (fault.retryAfter() != null) {
            response.header("Retry-After", fault.retryAfter());
        }
        return new WebApplicationException(response.build());
    }

    /**
     * Called by {@link SpotlerApiFilter} before every API call: counts it, meets an injected fault,
     * checks the OAuth signature — in that order, as a real server would see them. Throws the
     * refusal as the answer.
     */
    void admit(ContainerRequestContext request) {
        UriInfo uri = request.getUriInfo();
        boolean write = !"GET".equals(request.getMethod());
        requests.incrementAndGet();
        Faults.Fault fault = faults.meet(request.getMethod(), uri.getPath());
        if (fault != null && fault.afterEffect()) {
            // carried out, and then answered with the fault (SpotlerApiFilter)
            request.setProperty(AFTER_EFFECT, fault);
        } else if (fault != null) {
            throw faultAnswer(fault);
        }
        verify(request.getMethod(), uri, request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (!audiences && uri.getPath().contains("integrationservice/audience")) {
            throw new WebApplicationException(
                    Response.status(403)
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(
                                    SpotlerAccount.error(
                                            "NOT_AUTHORIZED",
                                            "Only Automation or eCommerce products can use this call"))
                            .build());
        }
        if (write) {
            writes.incrementAndGet();
        }
    }

    private void verify(String method, UriInfo uri, String authorization) {
        Map<String, String> oauth = OAuthVerifier.parameters(authorization);
        String problem = null;
        if (oauth.isEmpty()) {
            problem = "Authorization header with OAuth parameters missing";
        } else if (!"HMAC-SHA1".equals(oauth.get("oauth_signature_method"))) {
            problem = "oauth_signature_method must be HMAC-SHA1";
        } else if (!consumerKey.equals(oauth.get("oauth_consumer_key"))) {
            problem = "unknown oauth_consumer_key";
        } else if (oauth.get("oauth_nonce") == null
                || oauth.get("oauth_timestamp") == null
                || oauth.get("oauth_signature") == null) {
            problem = "oauth_nonce, oauth_timestamp and oauth_signature are required";
        } else {
            long timestamp;
            try {
                timestamp = Long.parseLong(oauth.get("oauth_timestamp"));
            } catch (NumberFormatException e) {
                timestamp = 0;
            }
            if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > CLOCK_SKEW_SECONDS) {
                problem = "oauth_timestamp too far from the server clock";
            } else if (!OAuthVerifier.signatureMatches(
                    method, uri.getRequestUri(), oauth, consumerSecret)) {
                problem = "invalid signature";
            } else if (!nonces.add(oauth.get("oauth_nonce") + "|" + timestamp)) {
                problem = "oauth_nonce already used";
            }
        }
        if (problem != null) {
            refusedSignatures.incrementAndGet();
            throw new WebApplicationException(
                    Response.status(401)
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(SpotlerAccount.error("NOT_AUTHORIZED", problem))
                            .build());
        }
    }

    /**
     * The stored contact merged with a request's contact: purge replaces all properties, otherwise
     * only those sent.
     */
    private static JsonObject merge(JsonObject current, JsonObject contact, boolean purge) {
        long now = System.currentTimeMillis();
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        Map<Long, Boolean> permissions = new LinkedHashMap<>();
        if (current != null && !purge) {
            current.getJsonObject("properties")
                    .forEach(
                            (k, v) -> {
                                if ("permissions".equals(k)) {
                                    readBits(v.asJsonArray(), permissions);
                                } else {
                                    properties.put(k, v);
                                }
                            });
        }
        JsonObject given = contact.getJsonObject("properties");
        if (given != null) {
            given.forEach(
                    (k, v) -> {
                        if ("permissions".equals(k)) {
                            readBits(v.asJsonArray(), permissions);
                        } else if (v.getValueType() == JsonValue.ValueType.NULL
                                || (v instanceof JsonString s && s.getString().isEmpty())) {
                            properties.remove(k);
                        } else {
                            properties.put(k, v);
                        }
                    });
        }
        JsonObjectBuilder props = Json.createObjectBuilder();
        properties.forEach(props::add);
        JsonArrayBuilder bits = Json.createArrayBuilder();
        permissions.forEach(
                (bit, on) ->
                        bits.add(Json.createObjectBuilder().add("bit", bit).add("enabled", on)));
        props.add("permissions", bits);
        JsonObjectBuilder next =
                Json.createObjectBuilder()
                        .add(
                                "externalId",
                                contact.getString(
                                        "externalId",
                                        current == null ? "" : current.getString("externalId")))
                        .add(
                                "encryptedId",
                                current == null
                                        ? UUID.randomUUID().toString().replace("-", "")
                                        : current.getString("encryptedId"))
                        .add(
                                "created",
                                current == null
                                        ? now
                                        : current.getJsonNumber("created").longValue())
                        .add("lastChanged", now)
                        .add(
                                "testGroup",
                                contact.getBoolean(
                                        "testGroup",
                                        current != null && current.getBoolean("testGroup", false)))
                        .add("optedOut", current != null && current.getBoolean("optedOut", false))
                        .add("properties", props);
        return next.build();
    }

    private static void readBits(JsonArray array, Map<Long, Boolean> into) {
        array.forEach(
                p ->
                        into.put(
                                p.asJsonObject().getJsonNumber("bit").longValue(),
                                p.asJsonObject().getBoolean("enabled", false)));
    }

    /** The reason the contact's properties are not acceptable to the account, or null. */
    static String invalid(JsonObject contact) {
        JsonObject properties = contact.getJsonObject("properties");
        if (properties == null) {
            return null;
        }
        for (Map.Entry<String, JsonValue> e : properties.entrySet()) {
            String type = SpotlerAccount.TYPES.get(e.getKey());
            JsonValue v = e.getValue();
            if (type == null) {
                return "Property is invalid: " + e.getKey();
            }
            if (v.getValueType() == JsonValue.ValueType.NULL) {
                continue;
            }
            switch (type) {
                case "set" -> {
                    if (v.getValueType() != JsonValue.ValueType.ARRAY) {
                        return "Property is invalid: " + e.getKey();
                    }
                    for (JsonValue item : v.asJsonArray()) {
                        if (item.getValueType() != JsonValue.ValueType.OBJECT
                                || !(item.asJsonObject().get("bit") instanceof JsonNumber bit)
                                || ("permissions".equals(e.getKey())
                                        && !SpotlerAccount.PERMISSIONS.containsKey(
                                                bit.longValue()))) {
                            return "Property is invalid: " + e.getKey();
                        }
                    }
                }
                case "email" -> {
                    if (!(v instanceof JsonString s)
                            || (!s.getString().isEmpty()
                                    && !EMAIL.matcher(s.getString()).matches())) {
                        return "Email is invalid";
                    }
                }
                case "gender" -> {
                    if (!(v instanceof JsonString s)
                            || !Set.of("M", "F", "").contains(s.getString())) {
                        return "Property is invalid: gender";
                    }
                }
                case "birthdate", "date" -> {
                    if (!(v instanceof JsonString s)) {
                        return "Property is invalid: " + e.getKey();
                    }
                    try {
                        if (!s.getString().isEmpty()) {
                            LocalDate.parse(s.getString());
                        }
                    } catch (RuntimeException ex) {
                        return "Property is invalid: " + e.getKey();
                    }
                }
                default -> {
                    if (v.getValueType() == JsonValue.ValueType.OBJECT
                            || v.getValueType() == JsonValue.ValueType.ARRAY) {
                        return "Property is invalid: " + e.getKey();
                    }
                }
            }
        }
        return null;
    }

    /**
     * A stored contact as GET /contact/{id} shows it: only properties with data, permissions with
     * descriptions.
     */
    static JsonObject view(JsonObject stored) {
        JsonObjectBuilder props = Json.createObjectBuilder();
        JsonObject properties = stored.getJsonObject("properties");
        properties.forEach(
                (k, v) -> {
                    if ("permissions".equals(k)) {
                        JsonArrayBuilder bits = Json.createArrayBuilder();
                        Set<Long> seen = new LinkedHashSet<>();
                        v.asJsonArray()
                                .forEach(
                                        p -> {
                                            long bit =
                                                    p.asJsonObject()
                                                            .getJsonNumber("bit")
                                                            .longValue();
                                            seen.add(bit);
                                            bits.add(
                                                    Json.createObjectBuilder()
                                                            .add("bit", bit)
                                                            .add(
                                                                    "description",
                                                                    SpotlerAccount.PERMISSIONS
                                                                            .getOrDefault(bit, ""))
                                                            .add(
                                                                    "enabled",
                                                                    p.asJsonObject()
                                                                            .getBoolean(
                                                                                    "enabled",
                                                                                    false)));
                                        });
                        props.add("permissions", bits);
                    } else {
                        props.add(k, v);
                    }
                });
        boolean email =
                properties.get("email") instanceof JsonString s
                        && !s.getString().isEmpty()
                        && !stored.getBoolean("optedOut", false);
        boolean sms =
                properties.get("mobileNumber") instanceof JsonString m && !m.getString().isEmpty();
        return Json.createObjectBuilder()
                .add("externalId", stored.getString("externalId"))
                .add("encryptedId", stored.getString("encryptedId"))
                .add("created", stored.getJsonNumber("created"))
                .add("lastChanged", stored.getJsonNumber("lastChanged"))
                .add("testGroup", stored.getBoolean("testGroup", false))
                .add("temporary", false)
                .add("properties", props)
                .add(
                        "channels",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "EMAIL")
                                                .add("value", email))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("name", "SMS")
                                                .add("value", sms)))
                .build();
    }

    private static JsonArray allPermissionsOff() {
        JsonArrayBuilder bits = Json.createArrayBuilder();
        SpotlerAccount.PERMISSIONS
                .keySet()
                .forEach(
                        bit ->
                                bits.add(
                                        Json.createObjectBuilder()
                                                .add("bit", bit)
                                                .add("enabled", false)));
        return bits.build();
    }

    private static JsonObject contactOf(JsonObject contactRequest) {
        JsonValue contact = contactRequest.get("contact");
        if (contact == null || contact.getValueType() != JsonValue.ValueType.OBJECT) {
            throw bad("INVALID_PARAMS", "contact is required");
        }
        return contact.asJsonObject();
    }

    private static JsonObject object(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw bad("INVALID_PARAMS", "Request body is not a JSON object");
        }
    }

    private static WebApplicationException bad(String type, String message) {
        return new WebApplicationException(
                Response.status(400)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(SpotlerAccount.error(type, message))
                        .build());
    }

    private static Response notFound() {
        return Response.status(404)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(SpotlerAccount.error("CONTACT_NOT_FOUND", "Given contact not found"))
                .build();
    }
}
