package dev.spotbridge.spotler;

import dev.spotbridge.http.RateLimit;
import dev.spotbridge.http.RateLimitFilter;
import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.spotler.AudiencesClient.AudienceRequest;
import dev.spotbridge.spotler.AudiencesClient.ContactIds;
import dev.spotbridge.spotler.CampaignsClient.AutomationResult;
import dev.spotbridge.spotler.CampaignsClient.ContactReference;
import dev.spotbridge.spotler.CampaignsClient.TriggerResult;
import dev.spotbridge.spotler.ContactsClient.AddContactResponse;
import dev.spotbridge.spotler.ContactsClient.AddContactsRequest;
import dev.spotbridge.spotler.ContactsClient.Channel;
import dev.spotbridge.spotler.ContactsClient.Contact;
import dev.spotbridge.spotler.ContactsClient.ContactRequest;
import dev.spotbridge.spotler.ContactsClient.Permission;
import dev.spotbridge.spotler.FeedsClient.MailingDetails;
import dev.spotbridge.tracing.ClientSpans;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.ProcessingException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * The one way to Spotler, and the one circuit: every call of the typed clients ({@link
 * ContactsClient}, {@link AudiencesClient}, {@link CampaignsClient}, {@link FeedsClient}) is
 * signed, bounded by a timeout, retried a little on transient failure and guarded by a circuit
 * breaker; what is still failing after that goes back to the caller, whose message is then
 * redelivered by the broker. The gateway translates between Spotbridge's types and Spotler's; their
 * error answers are mapped by {@link SpotlerErrors}. Policies can be tuned through MicroProfile
 * Config (e.g. dev.spotbridge.spotler.SpotlerGateway/Retry/maxRetries).
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
@Timeout(value = 15, unit = ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 5,
        delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = {SpotlerRejectedException.class, SpotlerThrottledException.class})
public class SpotlerGateway {

    /** Contacts per POST /contact/list (the API's limit). */
    public static final int CONTACTS_PER_WRITE = 100;

    /** Contacts per audience membership call (the API's limit). */
    private static final int CONTACTS_PER_AUDIENCE_CALL = 2500;

    private static final int PAGE_SIZE = 1000;

    /** The interaction feeds are read in the largest pages the API allows (restdoc: 10000). */
    private static final int FEED_PAGE_SIZE = 10000;

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

    @Inject
    @ConfigProperty(name = "spotler.read-timeout-ms", defaultValue = "10000")
    long readTimeoutMs;

    @Inject dev.spotbridge.sync.NodePresence presence;

    @Inject dev.spotbridge.tracing.Tracing tracing;

    /**
     * Client-side request rate to Spotler, all nodes together; 0: none (Spotler publishes no
     * figure).
     */
    @Inject
    @ConfigProperty(name = "spotler.max-requests-per-second", defaultValue = "0")
    double maxRequestsPerSecond;

    @Inject
    @ConfigProperty(name = "spotler.throttle-max-wait-ms", defaultValue = "2000")
    long throttleMaxWaitMs;

    /**
     * A 429 whose Retry-After is at most this long is waited out in place; a longer one goes back
     * to the broker.
     */
    @Inject
    @ConfigProperty(name = "spotler.max-retry-after-seconds", defaultValue = "10")
    long maxRetryAfterSeconds;

    /** Time zone of the account's fromDate/toDate parameters (the API takes local times). */
    @Inject
    @ConfigProperty(name = "spotler.timezone", defaultValue = "Europe/Amsterdam")
    String timezone;

    @Inject SyncMetrics metrics;

    private CallMeter calls;
    private Jsonb jsonb;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private ContactsClient contacts;
    private AudiencesClient audiences;
    private CampaignsClient campaigns;
    private FeedsClient feeds;
    private TemporaryListsClient temporaryLists;

    /**
     * One page of a paged Spotler list; {@code next} is the after of the next page, or null.
     *
     * @param unreadable the page's items that could not be read (a date in no known form, a field
     *     of the wrong type): each is that one item's failure, the others are in {@code items}
     */
    public record Page<T>(List<T> items, Integer next, List<Unreadable> unreadable) {

        public Page(List<T> items, Integer next) {
            this(items, next, List.of());
        }
    }

    /**
     * An item of a feed that could not be read.
     *
     * @param item the item as Spotler sent it (JSON, at most 4000 characters)
     * @param externalId the contact it is about, when that much could be read ("" otherwise)
     * @param reason what was wrong with it
     */
    public record Unreadable(String item, String externalId, String reason) {}

    /**
     * One mailing interaction of GET /mailing-interaction/{sent|opened|clicked|bounced}.
     *
     * @param id Spotler's id (an int32 the API gives per feed, as text)
     */
    public record Interaction(
            String kind,
            String id,
            String externalContactId,
            String mailingId,
            Instant date,
            String name,
            String subject,
            String onlineVersionLink,
            String bounceType) {

        /**
         * The interaction's key across feeds: its feed and id ("opened:17"), since each feed
         * numbers its own.
         */
        public String key() {
            return kind + ":" + id;
        }
    }

    /** What a mailing is: EMAIL or SMS, its name and subject. */
    /**
     * What a mailing is: EMAIL or SMS, its name and subject, its links (id → URL).
     *
     * @param campaign a mailing of a triggered campaign (GET /campaign-mailing/{id})
     */
    public record Mailing(
            String id,
            String type,
            String name,
            String subject,
            boolean campaign,
            Map<Integer, String> links) {}

    /**
     * A click on a link of a mailing: when (null when Spotler's date could not be read), and the
     * link's URL ("link n" when the mailing does not name it).
     */
    public record Click(Instant at, String url) {}

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

    /** A campaign with external triggers (GET /campaign/list). */
    public record Campaign(
            String encryptedId, String name, boolean active, List<String> triggers) {}

    /** What became of one contact in a campaign call: done, or Spotler's reason why not. */
    public record Outcome(boolean done, String reason) {}

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "spotler");
        RateLimitFilter rate =
                new RateLimitFilter(
                        // the rate is the cluster's: each node takes its share of it
                        new RateLimit(
                                () -> maxRequestsPerSecond / presence.alive(),
                                Duration.ofMillis(throttleMaxWaitMs)),
                        "Spotler");
        SigningFilter signing =
                new SigningFilter(
                        new OAuth1Signer(consumerKey.orElseThrow(), consumerSecret.orElseThrow()));
        SpotlerErrors errors = new SpotlerErrors(maxRetryAfterSeconds);
        jsonb = JsonbBuilder.create();
        opened.add(jsonb);
        contacts = client(ContactsClient.class, signing, rate, errors);
        audiences = client(AudiencesClient.class, signing, rate, errors);
        campaigns = client(CampaignsClient.class, signing, rate, errors);
        feeds = client(FeedsClient.class, signing, rate, errors);
        temporaryLists = client(TemporaryListsClient.class, signing, rate, errors);
    }

    private <T> T client(
            Class<T> type, SigningFilter signing, RateLimitFilter rate, SpotlerErrors errors) {
        T client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(url.orElseThrow()))
                        .connectTimeout(connectTimeoutMs, TimeUnit.MILLISECONDS)
                        .readTimeout(readTimeoutMs, TimeUnit.MILLISECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(signing)
                        .register(calls)
                        .register(tracing.clientSpans("spotler"), ClientSpans.PRIORITY)
                        .register(rate)
                        .register(errors)
                        .register(new SharedJsonb(jsonb))
                        .build(type);
        if (client instanceof AutoCloseable closeable) {
            opened.add(closeable);
        }
        return client;
    }

    @PreDestroy
    void close() {
        for (AutoCloseable client : opened) {
            try {
                client.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
    }

    /**
     * The permission bits of the account with their descriptions, from the entries of the set-type
     * property "permissions" (GET /contact/properties/list).
     */
    public Map<Long, String> permissionBits() {
        Map<Long, String> bits = new LinkedHashMap<>();
        call("GET contact/properties/list", contacts::properties).stream()
                .filter(p -> "permissions".equals(p.name()) && p.entries() != null)
                .flatMap(p -> p.entries().stream())
                .filter(e -> e.bit() != null)
                .forEach(e -> bits.put(e.bit(), e.description() == null ? "" : e.description()));
        return bits;
    }

    /**
     * The account's contact properties: their names, and the permission bits with their
     * descriptions (the entries of the set-type property "permissions"), from one GET
     * /contact/properties/list.
     */
    public record AccountProperties(Set<String> names, Map<Long, String> permissionBits) {}

    public AccountProperties accountProperties() {
        Set<String> names = new LinkedHashSet<>();
        Map<Long, String> bits = new LinkedHashMap<>();
        for (ContactsClient.Property p :
                call("GET contact/properties/list", contacts::properties)) {
            if (p.name() != null && !p.name().isBlank()) {
                names.add(p.name());
            }
            if ("permissions".equals(p.name()) && p.entries() != null) {
                p.entries().stream()
                        .filter(e -> e.bit() != null)
                        .forEach(
                                e ->
                                        bits.put(
                                                e.bit(),
                                                e.description() == null ? "" : e.description()));
            }
        }
        return new AccountProperties(
                Collections.unmodifiableSet(names), Collections.unmodifiableMap(bits));
    }

    /** The names of the account's contact properties (GET /contact/properties/list). */
    public Set<String> propertyNames() {
        Set<String> names = new LinkedHashSet<>();
        call("GET contact/properties/list", contacts::properties).stream()
                .map(ContactsClient.Property::name)
                .filter(name -> name != null && !name.isBlank())
                .forEach(names::add);
        return names;
    }

    /** A form the contact submitted in Spotler (FormHistory): which, and when. */
    public record FormSubmission(String form, Instant submitted, boolean completed) {}

    /**
     * The forms the contact submitted (GET /contact/{id}/forms), newest first; empty when Spotler
     * does not know the contact. A submission whose date cannot be read has none.
     */
    public List<FormSubmission> forms(String externalId) {
        ZoneId zone = ZoneId.of(timezone);
        List<FormSubmission> forms =
                new ArrayList<>(
                        all(
                                "GET contact/{id}/forms",
                                "formHistories",
                                a ->
                                        ifFound(
                                                        "GET contact/{id}/forms",
                                                        () ->
                                                                contacts.forms(
                                                                        externalId, PAGE_SIZE, a))
                                                .orElse(JsonValue.EMPTY_JSON_ARRAY),
                                f -> {
                                    JsonObject form = f.getJsonObject("form");
                                    Instant at;
                                    try {
                                        at = SpotlerDates.read(f.get("submitDate"), zone);
                                    } catch (IllegalArgumentException e) {
                                        at = null;
                                    }
                                    return new FormSubmission(
                                            form == null
                                                    ? "form result " + text(f.get("formResultId"))
                                                    : form.getString(
                                                            "name", "form " + text(form.get("id"))),
                                            at,
                                            f.getBoolean("completed", true));
                                }));
        forms.sort(
                java.util.Comparator.comparing(
                                FormSubmission::submitted,
                                java.util.Comparator.nullsFirst(
                                        java.util.Comparator.<Instant>naturalOrder()))
                        .reversed());
        return forms;
    }

    /** The contact, or empty when Spotler does not know the externalId. */
    public Optional<SpotlerContact> find(String externalId) {
        return ifFound("GET contact/{id}", () -> contacts.contact(externalId))
                .map(c -> SpotlerContact.from(c, ZoneId.of(timezone)));
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
        List<AddContactResponse> answer =
                call(
                        "POST contact/list",
                        () ->
                                contacts.upsertAll(
                                        new AddContactsRequest(
                                                true,
                                                false,
                                                List.of(
                                                        contact(
                                                                externalId,
                                                                properties,
                                                                permissions,
                                                                created)))));
        AddContactResponse item =
                answer == null || answer.isEmpty()
                        ? new AddContactResponse(externalId, "OK", "")
                        : answer.get(0);
        String code = item.code() == null ? "OK" : item.code();
        String message = item.message() == null ? "" : item.message();
        return switch (code) {
            case "OK" -> true;
            case "CONTACT_OPTOUT" -> false;
            case "ERROR" ->
                    throw new SpotlerUnavailableException("POST contact/list: ERROR " + message);
            default ->
                    throw new SpotlerRejectedException(
                            400, code, "POST contact/list: " + code + " " + message);
        };
    }

    /**
     * Creates or updates up to 100 contacts in one POST /contact/list (update:true, purge:false).
     *
     * @return Spotler's per-item codes, in request order
     */
    public List<ContactResult> upsertAll(List<ContactWrite> writes) {
        if (writes.size() > CONTACTS_PER_WRITE) {
            throw new IllegalArgumentException("POST /contact/list takes at most 100 contacts");
        }
        List<Contact> batch =
                writes.stream()
                        .map(
                                w ->
                                        contact(
                                                w.externalId(),
                                                w.properties(),
                                                w.permissions(),
                                                w.created()))
                        .toList();
        List<AddContactResponse> answer =
                call(
                        "POST contact/list",
                        () -> contacts.upsertAll(new AddContactsRequest(true, false, batch)));
        List<ContactResult> results = new ArrayList<>();
        if (answer != null) {
            for (AddContactResponse item : answer) {
                results.add(
                        new ContactResult(
                                item.externalId() == null ? "" : item.externalId(),
                                item.code() == null ? "OK" : item.code(),
                                item.message() == null ? "" : item.message()));
            }
        }
        return results;
    }

    /**
     * Anonymizes a contact for a GDPR erasure (PUT /contact/anonymize/{id}): Spotler removes its
     * personal data for good.
     *
     * @return false when Spotler does not know the contact
     */
    public boolean anonymize(String externalId) {
        return ifFound(
                        "PUT contact/anonymize/{id}",
                        () -> {
                            contacts.anonymize(externalId);
                            return Boolean.TRUE;
                        })
                .isPresent();
    }

    /**
     * Switches permission bits (PUT /contact/{id}, purge:false, only permissions).
     *
     * @return false when Spotler does not know the contact yet
     */
    public boolean permissions(String externalId, Map<Long, Boolean> bits) {
        ContactRequest request =
                new ContactRequest(null, false, contact(externalId, Map.of(), bits, false));
        return ifFound("PUT contact/{id}", () -> update(externalId, request)).isPresent();
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
        ContactRequest request =
                new ContactRequest(null, true, contact(externalId, Map.of(), off, false));
        return ifFound("PUT contact/{id}", () -> update(externalId, request)).isPresent();
    }

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
                a -> feeds.changedContacts(date(from), date(to), PAGE_SIZE, a),
                c -> SpotlerContact.from(c, ZoneId.of(timezone)));
    }

    /** One page of the hard and soft bounces within [from, to] (GET /contact/bounces/list). */
    public Page<SpotlerBounce> bounces(Instant from, Instant to, int after) {
        return page(
                "GET contact/bounces/list",
                "bounces",
                after,
                PAGE_SIZE,
                a -> feeds.bounces(date(from), date(to), PAGE_SIZE, a),
                b -> SpotlerBounce.from(b, ZoneId.of(timezone)));
    }

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
                a -> feeds.interactions(kind, date(from), date(to), FEED_PAGE_SIZE, a),
                i ->
                        new Interaction(
                                kind,
                                text(i.get("id")),
                                i.getString("externalContactId", ""),
                                i.getString("encryptedMailingId", ""),
                                SpotlerDates.read(i.get("date"), ZoneId.of(timezone)),
                                i.getString("name", ""),
                                i.getString("subject", ""),
                                i.getString("onlineVersionLink", ""),
                                i.getString("bounceType", "")));
    }

    /**
     * GET /mailing/{id}, or GET /campaign-mailing/{id} for a mailing of a triggered campaign; empty
     * when Spotler knows neither.
     */
    public Optional<Mailing> mailing(String encryptedMailingId) {
        Optional<Mailing> regular =
                ifFound("GET mailing/{id}", () -> feeds.mailing(encryptedMailingId))
                        .map(m -> mailing(encryptedMailingId, m, false));
        if (regular.isPresent()) {
            return regular;
        }
        return ifFound("GET campaign-mailing/{id}", () -> feeds.campaignMailing(encryptedMailingId))
                .map(m -> mailing(encryptedMailingId, m, true));
    }

    private static Mailing mailing(String id, MailingDetails m, boolean campaign) {
        Map<Integer, String> links = new LinkedHashMap<>();
        if (m.links() != null) {
            m.links().stream()
                    .filter(l -> l.id() != null && l.url() != null)
                    .forEach(l -> links.put(l.id(), l.url()));
        }
        return new Mailing(
                id,
                m.type() == null ? "EMAIL" : m.type(),
                m.name() == null ? "" : m.name(),
                m.message() == null || m.message().subject() == null ? "" : m.message().subject(),
                campaign,
                Map.copyOf(links));
    }

    /**
     * The clicks of these contacts on a mailing's links, per externalId, in time order: GET
     * /mailing/{id}/clicks/{externalId} for each, or for a campaign mailing (whose per-contact call
     * needs a subscription id the feeds do not give) GET /campaign-mailing/{id}/clicks read once. A
     * click whose date cannot be read has none (it is still a click on its link).
     */
    public Map<String, List<Click>> clicks(Mailing mailing, Set<String> externalIds) {
        Map<String, List<Click>> clicks = new LinkedHashMap<>();
        ZoneId zone = ZoneId.of(timezone);
        if (mailing.campaign()) {
            for (JsonObject c :
                    all(
                            "GET campaign-mailing/{id}/clicks",
                            "clicks",
                            a -> feeds.campaignClicks(mailing.id(), PAGE_SIZE, a),
                            c -> c)) {
                JsonObject contact = c.getJsonObject("contactIdentifier");
                String externalId = contact == null ? "" : contact.getString("externalId", "");
                if (externalIds.contains(externalId)) {
                    clicks.computeIfAbsent(externalId, x -> new ArrayList<>())
                            .add(click(mailing, c, zone));
                }
            }
        } else {
            for (String externalId : externalIds) {
                clicks.put(
                        externalId,
                        new ArrayList<>(
                                all(
                                        "GET mailing/{id}/clicks/{externalId}",
                                        "clicks",
                                        a ->
                                                ifFound(
                                                                "GET mailing/{id}/clicks/{externalId}",
                                                                () ->
                                                                        feeds.contactClicks(
                                                                                mailing.id(),
                                                                                externalId,
                                                                                PAGE_SIZE,
                                                                                a))
                                                        .orElse(JsonValue.EMPTY_JSON_ARRAY),
                                        c -> click(mailing, c, zone))));
            }
        }
        clicks.values()
                .forEach(
                        list ->
                                list.sort(
                                        java.util.Comparator.comparing(
                                                Click::at,
                                                java.util.Comparator.nullsLast(
                                                        java.util.Comparator.naturalOrder()))));
        return clicks;
    }

    private static Click click(Mailing mailing, JsonObject c, ZoneId zone) {
        Instant at;
        try {
            at = SpotlerDates.read(c.get("clickDate"), zone);
        } catch (IllegalArgumentException e) {
            at = null;
        }
        Integer link = c.get("linkId") instanceof JsonNumber n ? n.intValue() : null;
        String url =
                link == null
                        ? "(unknown link)"
                        : mailing.links().getOrDefault(link, "link " + link);
        return new Click(at, url);
    }

    /** The name of a mailing (GET /mailing/{id}), or empty when Spotler does not know it. */
    public Optional<String> mailingName(String encryptedMailingId) {
        return ifFound("GET mailing/{id}", () -> feeds.mailing(encryptedMailingId))
                .map(MailingDetails::name);
    }

    /** The audience's name, or empty when Spotler has no audience with that externalId. */
    public Optional<String> audienceName(String externalId) {
        return ifFound("GET audience/{id}", () -> audiences.audience(externalId))
                .map(a -> a.name() == null ? "" : a.name());
    }

    public void createAudience(String externalId, String name) {
        AudienceRequest audience =
                new AudienceRequest(
                        externalId, name, "Dynamics 365 marketing list, synced by Spotbridge");
        run("POST audience", () -> audiences.create(audience));
    }

    public void renameAudience(String externalId, String name) {
        run(
                "PUT audience/{id}",
                () -> audiences.update(externalId, new AudienceRequest(externalId, name, null)));
    }

    /**
     * @return false when there was no such audience
     */
    public boolean deleteAudience(String externalId) {
        return ifFound(
                        "DELETE audience/{id}",
                        () -> {
                            audiences.delete(externalId);
                            return Boolean.TRUE;
                        })
                .isPresent();
    }

    /**
     * Replaces the temporary list with that externalId by one holding exactly these members: the
     * old one deleted (when there is one), a new one created with the first 2500, the rest added
     * 2500 per call (the API gives no limit for temporary lists; the audiences' is used).
     */
    public void replaceTemporaryList(String externalId, String name, List<String> members) {
        deleteTemporaryList(externalId);
        List<String> first =
                members.subList(0, Math.min(members.size(), CONTACTS_PER_AUDIENCE_CALL));
        run(
                "POST templist",
                () ->
                        temporaryLists.create(
                                new TemporaryListsClient.CreateRequest(
                                        externalId, name, List.copyOf(first))));
        addToTemporaryList(externalId, members.subList(first.size(), members.size()));
    }

    /** Adds members to a temporary list, 2500 per call. */
    public int addToTemporaryList(String externalId, List<String> members) {
        return inChunks(
                members,
                chunk ->
                        run(
                                "POST templist/{id}",
                                () ->
                                        temporaryLists.add(
                                                externalId,
                                                new TemporaryListsClient.AddRequest(chunk))));
    }

    /**
     * @return false when there was no such temporary list
     */
    public boolean deleteTemporaryList(String externalId) {
        return ifFound(
                        "DELETE templist/{id}",
                        () -> {
                            temporaryLists.delete(externalId);
                            return Boolean.TRUE;
                        })
                .isPresent();
    }

    /** Adds members, 2500 per call (the API's limit). */
    public int addToAudience(String externalId, List<String> members) {
        return inChunks(
                members,
                chunk ->
                        run(
                                "POST audience/{id}/contact",
                                () -> audiences.addContacts(externalId, new ContactIds(chunk))));
    }

    /** Removes members, 2500 per call; null removes every member. */
    public int removeFromAudience(String externalId, List<String> members) {
        if (members == null) {
            run("DELETE audience/{id}/contact", () -> audiences.removeContacts(externalId, null));
            return 1;
        }
        return inChunks(
                members,
                chunk ->
                        run(
                                "DELETE audience/{id}/contact",
                                () -> audiences.removeContacts(externalId, new ContactIds(chunk))));
    }

    public List<Campaign> campaigns() {
        List<Campaign> list = new ArrayList<>();
        for (CampaignsClient.Campaign c : call("GET campaign/list", campaigns::campaigns)) {
            List<String> triggers = new ArrayList<>();
            if (c.triggers() != null) {
                c.triggers()
                        .forEach(t -> triggers.add(t.encryptedId() == null ? "" : t.encryptedId()));
            }
            list.add(
                    new Campaign(
                            c.encryptedId() == null ? "" : c.encryptedId(),
                            c.name() == null ? "" : c.name(),
                            c.active() == null || c.active(),
                            triggers));
        }
        return list;
    }

    /**
     * POST /campaign/trigger/{trigger}: 204 done; 400/404 are the contact's outcome, not a failure
     * of the call.
     */
    public Outcome triggerCampaign(String triggerId, String externalId) {
        return outcome(
                "POST campaign/trigger/{id}",
                () -> campaigns.trigger(triggerId, new ContactReference(externalId)));
    }

    /** POST /campaign/{campaign}/stop. */
    public Outcome stopCampaign(String campaignId, String externalId) {
        return outcome(
                "POST campaign/{id}/stop",
                () -> campaigns.stop(campaignId, new ContactReference(externalId)));
    }

    /**
     * POST /automation/trigger/{code}: 200 done; 404/417 carry the result (TRIGGER_NOTFOUND,
     * NOT_TRIGGERED …).
     */
    public Outcome triggerAutomation(String code, String externalId) {
        String what = "POST automation/trigger/{code}";
        try {
            TriggerResult result =
                    call(
                            what,
                            () ->
                                    campaigns.triggerAutomation(
                                            code, new ContactReference(externalId)));
            return new Outcome(true, reason(result, "OK"));
        } catch (SpotlerRejectedException e) {
            if (e.status() != 404 && e.status() != 417) {
                throw e;
            }
            TriggerResult result = triggerResult(e.body());
            if ("TRIGGER_NOTFOUND".equals(result.result())) {
                // the automation's, not the contact's: no other contact can fare better
                throw new SpotlerRejectedException(
                        404,
                        "TRIGGER_NOTFOUND",
                        what + ": Spotler has no automation trigger " + code);
            }
            return new Outcome(false, reason(result, "NOT_TRIGGERED"));
        }
    }

    /** The trigger's result, with that of every automation that did not answer OK. */
    private static String reason(TriggerResult result, String otherwise) {
        String reason = result == null || result.result() == null ? otherwise : result.result();
        if (result != null && result.automationResults() != null) {
            for (AutomationResult each : result.automationResults()) {
                if (each.result() != null && !"OK".equals(each.result())) {
                    reason = reason + " (" + each.result() + ")";
                }
            }
        }
        return reason;
    }

    /** An ExternalTriggerValidationResult that came as an error answer's body. */
    private static TriggerResult triggerResult(JsonObject body) {
        List<AutomationResult> automations = new ArrayList<>();
        JsonArray results = body.getJsonArray("automationResults");
        if (results != null) {
            for (JsonValue r : results) {
                automations.add(
                        new AutomationResult(
                                r.asJsonObject().getString("automationId", null),
                                r.asJsonObject().getString("result", null)));
            }
        }
        return new TriggerResult(body.getString("result", null), automations);
    }

    /**
     * A campaign call whose 400 and 404 are the contact's outcome; a refusal that is the campaign's
     * (trigger or campaign not found, campaign inactive or without message) is thrown: no other
     * contact can fare better.
     */
    private Outcome outcome(String what, Runnable request) {
        try {
            run(what, request);
            return new Outcome(true, "OK");
        } catch (SpotlerRejectedException e) {
            if ((e.status() != 400 && e.status() != 404) || ofTheCampaign(e)) {
                throw e;
            }
            return new Outcome(false, e.body().getString("message", "HTTP " + e.status()));
        }
    }

    private static boolean ofTheCampaign(SpotlerRejectedException e) {
        return "TRIGGER_NOTFOUND".equals(e.errorType())
                || "CAMPAIGN_NOTFOUND".equals(e.errorType())
                || e.body().getString("message", "").startsWith("Campaign ");
    }

    /** A PUT /contact/{id}, answered (the empty answer of a 204) for {@link #ifFound}. */
    private Boolean update(String externalId, ContactRequest request) {
        contacts.update(externalId, request);
        return Boolean.TRUE;
    }

    /**
     * A Contact to write: the properties, the permission bits (a list of {bit, enabled} under
     * "permissions"), and on a first write with an address the EMAIL channel.
     */
    private static Contact contact(
            String externalId,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean created) {
        Map<String, Object> values = new LinkedHashMap<>(properties);
        if (!permissions.isEmpty()) {
            List<Permission> bits = new ArrayList<>();
            permissions.forEach((bit, enabled) -> bits.add(new Permission(bit, enabled)));
            values.put("permissions", bits);
        }
        List<Channel> channels =
                created && properties.get("email") instanceof JsonString
                        ? List.of(new Channel("EMAIL", true))
                        : null;
        return new Contact(externalId, values, channels);
    }

    private static int inChunks(List<String> items, Consumer<List<String>> call) {
        int calls = 0;
        for (int i = 0; i < items.size(); i += CONTACTS_PER_AUDIENCE_CALL) {
            call.accept(
                    List.copyOf(
                            items.subList(
                                    i, Math.min(items.size(), i + CONTACTS_PER_AUDIENCE_CALL))));
            calls++;
        }
        return calls;
    }

    /**
     * One page of a paged feed, as either the documented envelope {paging, &lt;field&gt;[]} or the
     * bare array some versions answer with; the after of the next page, or null at the last.
     */
    private <T> Page<T> page(
            String what,
            String field,
            int from,
            int pageSize,
            IntFunction<JsonValue> page,
            Function<JsonObject, T> item) {
        JsonValue answer = call(what, () -> page.apply(from));
        JsonArray items;
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
        List<Unreadable> unreadable = new ArrayList<>();
        for (JsonValue v : items) {
            try {
                out.add(item.apply(v.asJsonObject()));
            } catch (RuntimeException e) {
                // ClassCastException, NullPointerException, IllegalArgumentException: the item
                // is not what the API describes; the rest of the page still counts
                unreadable.add(unreadable(v, e));
            }
        }
        boolean more =
                paging != null
                        ? paging.containsKey("next") && !paging.isNull("next")
                        : items.size() >= pageSize;
        if (!more || items.isEmpty()) {
            return new Page<>(out, null, unreadable);
        }
        return new Page<>(
                out,
                paging != null && paging.containsKey("after")
                        ? paging.getInt("after")
                        : from + items.size(),
                unreadable);
    }

    /** Every item of a paged list, page after page (each page one guarded call). */
    private <T> List<T> all(
            String what, String field, IntFunction<JsonValue> page, Function<JsonObject, T> item) {
        List<T> all = new ArrayList<>();
        for (Integer after = 0; after != null; ) {
            Page<T> p = page(what, field, after, PAGE_SIZE, page, item);
            all.addAll(p.items());
            after = p.next();
        }
        return all;
    }

    private static Unreadable unreadable(JsonValue item, RuntimeException failure) {
        String text = item.toString();
        String externalId = "";
        if (item instanceof JsonObject o) {
            JsonValue id =
                    o.containsKey("externalContactId")
                            ? o.get("externalContactId")
                            : o.containsKey("externalId")
                                    ? o.get("externalId")
                                    : o.get("contact") instanceof JsonObject c
                                            ? c.get("externalId")
                                            : null;
            externalId = id instanceof JsonString s ? s.getString() : "";
        }
        String reason =
                failure instanceof IllegalArgumentException
                        ? failure.getMessage()
                        : "not readable as the API describes it: " + failure;
        return new Unreadable(
                text.length() > 4000 ? text.substring(0, 4000) : text, externalId, reason);
    }

    /** An id the API types as integer, read as text (a string id is taken as it is). */
    private static String text(JsonValue value) {
        if (value instanceof JsonNumber n) {
            return n.toString();
        }
        return value instanceof JsonString s ? s.getString() : "";
    }

    /** fromDate/toDate as restdoc gives them: yyyy-MM-ddTHH:mm:ss, in the account's time zone. */
    private String date(Instant instant) {
        return LocalDateTime.ofInstant(instant, ZoneId.of(timezone))
                .truncatedTo(ChronoUnit.SECONDS)
                .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    /** A call whose 404 is an answer: empty then. */
    private <T> Optional<T> ifFound(String what, Supplier<T> request) {
        try {
            return Optional.ofNullable(call(what, request));
        } catch (SpotlerRejectedException e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void run(String what, Runnable request) {
        call(
                what,
                () -> {
                    request.run();
                    return null;
                });
    }

    /**
     * Makes one call. A call that got no answer (throttled on this side, or Spotler unreachable) is
     * {@link SpotlerThrottledException} or {@link SpotlerUnavailableException}; an error answer is
     * what {@link SpotlerErrors} made of it; both name the call.
     */
    private <T> T call(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw translated(what, e);
        }
    }

    private RuntimeException translated(String what, RuntimeException failure) {
        // the client may hand a mapped answer on wrapped in a ProcessingException
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SpotlerRejectedException rejected) {
                return rejected.in(what);
            }
            if (t instanceof SpotlerUnavailableException unavailable) {
                return unavailable.in(what);
            }
        }
        RateLimitFilter.Throttled throttled = RateLimitFilter.Throttled.in(failure);
        if (throttled != null) {
            return new SpotlerThrottledException(what + ": " + throttled.getMessage());
        }
        if (failure instanceof ProcessingException) {
            calls.unreachable();
            return new SpotlerUnavailableException(what + ": " + failure.getMessage(), failure);
        }
        return failure;
    }
}
