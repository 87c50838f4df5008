package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

/**
 * Reads D365 records through the Web API, with a cached bearer token, under timeout, retry and
 * circuit breaker. Rows come back normalised like webhook images: lookups "_x_value" become x =
 * {"id","logicalName"}.
 */
@ApplicationScoped
@Retry(
        maxRetries = 2,
        delay = 300,
        jitter = 200,
        abortOn = {
            DataverseRejectedException.class,
            DataverseNotSetUpException.class,
            DataverseThrottledException.class,
            CircuitBreakerOpenException.class
        })
@Timeout(value = 15, unit = ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 5,
        delayUnit = ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = {
            DataverseRejectedException.class,
            DataverseThrottledException.class,
            DataverseNotSetUpException.class
        })
public class DataverseGateway {

    private static final Logger LOG = Logger.getLogger(DataverseGateway.class.getName());

    @Inject AccessTokens tokens;

    /** Required: without it Spotbridge does not deploy (RequiredSettings). */
    @Inject
    @ConfigProperty(name = "dataverse.api.url")
    Optional<String> url;

    /**
     * A 429 whose Retry-After is at most this long is waited out here; a longer one goes back to
     * the broker.
     */
    @Inject
    @ConfigProperty(name = "dataverse.max-retry-after-seconds", defaultValue = "10")
    long maxRetryAfterSeconds;

    @Inject ServiceProtection limits;

    @Inject dev.spotbridge.tracing.Tracing tracing;

    @Inject SyncMetrics metrics;

    private CallMeter calls;

    private DataverseClient client;

    private String base;

    /** Records per sb_permission query of {@link #permissionRows}. */
    static final int RECORDS_PER_QUERY = 100;

    private static final List<Searched> SEARCHED =
            List.of(
                    new Searched("contact", "contactid", "fullname", "emailaddress1"),
                    new Searched("lead", "leadid", "fullname", "emailaddress1"),
                    new Searched("account", "accountid", "name", "emailaddress1"));

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "dataverse");
        base = base0(url.orElseThrow());
        client = client(DataverseClient.class, base, 10, calls, tracing.clientSpans("dataverse"));
    }

    /**
     * A typed client of the Web API: 5 s to connect, answers mapped by the gateway, calls metered.
     */
    static <T> T client(
            Class<T> type,
            String base,
            int readSeconds,
            CallMeter calls,
            dev.spotbridge.tracing.ClientSpans spans) {
        return RestClientBuilder.newBuilder()
                .baseUri(URI.create(base.endsWith("/") ? base : base + "/"))
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(readSeconds, TimeUnit.SECONDS)
                .property("microprofile.rest.client.disable.default.mapper", true)
                .register(calls)
                .register(spans, dev.spotbridge.tracing.ClientSpans.PRIORITY)
                .build(type);
    }

    static void close(Object client) {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
    }

    @PreDestroy
    void close() {
        close(client);
    }

    private static String base0(String url) {
        return url.endsWith("/") ? url : url + "/";
    }

    /** The entity set of a table: contact → contacts. */
    public static String entitySet(String entity) {
        return switch (entity) {
            case "contact" -> "contacts";
            case "lead" -> "leads";
            case "account" -> "accounts";
            default -> entity.endsWith("s") ? entity + "es" : entity + "s";
        };
    }

    /** The table of an entity set: contacts → contact (the reverse of {@link #entitySet}). */
    public static String entityOf(String set) {
        return set.endsWith("ses")
                ? set.substring(0, set.length() - 2)
                : set.substring(0, set.length() - 1);
    }

    /** The primary key column of a table: contact → contactid. */
    static String idColumn(String entity) {
        return entity + "id";
    }

    /**
     * The record's current columns, or empty when Dataverse no longer has it.
     *
     * @param columns the columns to $select (the mapping's, plus statecode and modifiedon)
     */
    public Optional<Map<String, JsonValue>> record(
            String entity, String id, Collection<String> columns) {
        String select = String.join(",", new LinkedHashSet<>(columns));
        String what = "GET " + entitySet(entity) + "(" + id + ")";
        Response response =
                send(what, bearer -> client.row(entitySet(entity), id, select, bearer), true);
        return response == null ? Optional.empty() : Optional.of(normalize(read(response)));
    }

    /**
     * A contact, lead or account as Dataverse holds it now: the mapped columns and the ones the
     * sync decides on; empty when Dataverse no longer has it.
     */
    public Optional<RecordRow> row(String entity, String id, Collection<String> mapped) {
        return record(entity, id, RecordRow.select(entity, mapped)).map(RecordRow::new);
    }

    /**
     * An sb_syncjob whose event carried only some of its columns: what Dataverse holds now, over
     * what the event carried (all of that when the job is gone).
     */
    public SyncJobRow syncJob(String id, Map<String, JsonValue> carried) {
        Map<String, JsonValue> columns = new LinkedHashMap<>(carried);
        record(SyncJobRow.TABLE, id, SyncJobRow.SELECT).ifPresent(columns::putAll);
        return SyncJobRow.of(columns);
    }

    /**
     * Sets an sb_syncjob's sb_status, and its sb_result when given (a readable text, cut to the
     * column's 4000 characters).
     */
    public void syncJobStatus(String id, SyncJobRow.Status status, String result) {
        JsonObjectBuilder columns = Json.createObjectBuilder().add("sb_status", status.value);
        if (result != null) {
            columns.add(
                    "sb_result",
                    result.length() > 4000 ? result.substring(0, 3990) + " …" : result);
        }
        update(SyncJobRow.TABLE, id, columns.build());
    }

    /**
     * One page of the active rows of a table (statecode 0), with the mapped columns, the decisive
     * ones and the primary key.
     */
    public RowsPage activeRows(String entity, Collection<String> mapped, String next, int size) {
        List<String> columns = RecordRow.select(entity, mapped);
        Page page =
                page(
                        entitySet(entity),
                        RecordRow.ACTIVE_FILTER,
                        String.join(",", columns),
                        next,
                        size);
        return new RowsPage(page.rows().stream().map(RecordRow::new).toList(), page.next());
    }

    /**
     * Dataverse's estimate of how many rows the tables hold, active or not
     * (RetrieveTotalRecordCount, a snapshot of the last 24 hours): a run's best guess of its total,
     * never a count to rely on.
     */
    public long estimatedRows(Collection<String> entities) {
        JsonArrayBuilder names = Json.createArrayBuilder();
        entities.forEach(names::add);
        String list = names.build().toString();
        JsonObject answer =
                read(
                        send(
                                "RetrieveTotalRecordCount(" + list + ")",
                                bearer -> client.totalRecordCount(list, bearer),
                                false));
        JsonObject counts = answer.getJsonObject("EntityRecordCountCollection");
        if (counts == null || counts.getJsonArray("Values") == null) {
            throw new DataverseRejectedException(
                    200, "RetrieveTotalRecordCount answered without EntityRecordCountCollection");
        }
        long total = 0;
        for (JsonValue value : counts.getJsonArray("Values")) {
            total += ((JsonNumber) value).longValue();
        }
        return total;
    }

    /** One page of rows; {@code next} says where the next page starts, null at the last. */
    public record RowsPage(List<RecordRow> rows, String next) {}

    /** A marketing list; empty when Dataverse does not have it. */
    public Optional<MarketingList> marketingList(String id) {
        return record(MarketingList.TABLE, id, MarketingList.SELECT)
                .map(columns -> MarketingList.of(id, columns));
    }

    /**
     * The members of a marketing list as Dataverse holds them now (a static list's association, a
     * dynamic list's FetchXML query), with the mapped columns and the decisive ones, every page.
     */
    public List<RecordRow> members(
            MarketingList list, String memberTable, Collection<String> mapped) {
        List<String> columns = RecordRow.select(memberTable, mapped);
        List<Map<String, JsonValue>> rows =
                list.dynamic()
                        ? fetchAll(list.query(), columns)
                        : staticMembers(list.id(), memberTable, columns);
        return rows.stream().map(RecordRow::new).toList();
    }

    /**
     * An sb_permission row whose event carried only some of its columns: what the event carried,
     * over what Dataverse holds now (only what it carried when the row is gone).
     */
    public SbPermission permissionRow(String id, Map<String, JsonValue> carried) {
        Map<String, JsonValue> columns = new LinkedHashMap<>();
        record(SbPermission.TABLE, id, List.of(SbPermission.SELECT.split(",")))
                .ifPresent(columns::putAll);
        columns.putAll(carried);
        return SbPermission.of(id, columns);
    }

    /**
     * The sb_permission rows of many records of one table (the contacts a backfill or a list sync
     * creates in Spotler): one query per {@value #RECORDS_PER_QUERY} records ({@code
     * _sb_contactid_value eq … or …}).
     *
     * @throws DataverseRejectedException when the org has no sb_permission table (the solution is
     *     not installed)
     */
    public List<SbPermission> permissionRows(String entity, Collection<String> recordIds) {
        List<SbPermission> rows = new ArrayList<>();
        List<String> ids = List.copyOf(recordIds);
        String lookup = "_sb_" + entity + "id_value";
        for (int from = 0; from < ids.size(); from += RECORDS_PER_QUERY) {
            String filter =
                    ids.subList(from, Math.min(ids.size(), from + RECORDS_PER_QUERY)).stream()
                            .map(id -> lookup + " eq " + id)
                            .collect(Collectors.joining(" or "));
            rows(SbPermission.SET, filter, SbPermission.SELECT).stream()
                    .map(SbPermission::read)
                    .forEach(rows::add);
        }
        return rows;
    }

    /** Who owns a record; empty when Dataverse no longer has the record. */
    public Optional<OwnerTask.Owner> owner(String entity, String id) {
        return record(entity, id, List.of("_ownerid_value"))
                .map(
                        columns ->
                                columns.get("ownerid") instanceof JsonObject owner
                                                && owner.get("id") instanceof JsonString ownerId
                                        ? new OwnerTask.Owner(
                                                "team".equals(owner.getString("logicalName", "")),
                                                ownerId.getString())
                                        : OwnerTask.Owner.UNKNOWN);
    }

    /**
     * Creates the task once: a repeated call with the same task id creates no second one.
     *
     * @return false when the task was there already
     */
    public boolean createTask(OwnerTask task) {
        return createOnce("tasks", task.body());
    }

    /** A contact, lead or account a search found, with its name and email. */
    public record Found(String entity, String id, String name, String email) {}

    private record Searched(String entity, String id, String name, String email) {}

    /**
     * The contacts, leads and accounts whose email is this text (when it has an '@'), else whose
     * name contains it: the first page of at most {@code max} rows of each table, never more (a
     * short text on a large org matches far more rows than anyone reads).
     */
    public List<Found> search(String text, int max) {
        String literal = "'" + text.replace("'", "''") + "'";
        List<Found> found = new ArrayList<>();
        for (Searched table : SEARCHED) {
            String filter =
                    text.contains("@")
                            ? table.email() + " eq " + literal
                            : "contains(" + table.name() + "," + literal + ")";
            for (Map<String, JsonValue> row :
                    page(
                                    entitySet(table.entity()),
                                    filter,
                                    table.id() + "," + table.name() + "," + table.email(),
                                    null,
                                    max)
                            .rows()) {
                String id = DataverseValues.guid(text(row.get(table.id())));
                if (id != null) {
                    found.add(
                            new Found(
                                    table.entity(),
                                    id,
                                    text(row.get(table.name())),
                                    text(row.get(table.email()))));
                }
            }
        }
        return found;
    }

    private static String text(JsonValue value) {
        return value instanceof JsonString s ? s.getString() : null;
    }

    /** The rows of a table that match an OData $filter, every page (following @odata.nextLink). */
    private List<Map<String, JsonValue>> rows(String entitySet, String filter, String select) {
        List<Map<String, JsonValue>> rows = new ArrayList<>();
        Page page = null;
        do {
            page = page(entitySet, filter, select, page == null ? null : page.next(), 5000);
            rows.addAll(page.rows());
        } while (page.next() != null);
        return rows;
    }

    /**
     * One page of a table's rows.
     *
     * @param next where the page starts: null for the first page, else {@link Page#next()} of the
     *     page before
     */
    private record Page(List<Map<String, JsonValue>> rows, String next) {}

    /**
     * One page (at most {@code size} rows, odata.maxpagesize) of the rows of a table that match an
     * OData $filter.
     */
    private Page page(String entitySet, String filter, String select, String next, int size) {
        JsonObject answer =
                read(
                        send(
                                "GET " + entitySet + "?$filter=" + filter,
                                bearer ->
                                        client.rows(
                                                entitySet,
                                                select,
                                                filter,
                                                next,
                                                "odata.maxpagesize="
                                                        + size
                                                        + ","
                                                        + DataverseClient.ANNOTATIONS,
                                                bearer),
                                false));
        List<Map<String, JsonValue>> rows = new ArrayList<>();
        answer.getJsonArray("value").forEach(v -> rows.add(normalize(v.asJsonObject())));
        return new Page(rows, skipToken(answer.getString("@odata.nextLink", null)));
    }

    /** The members of a static list (type false), with the given columns, every page. */
    private List<Map<String, JsonValue>> staticMembers(
            String listId, String memberEntity, Collection<String> columns) {
        String select = String.join(",", new LinkedHashSet<>(columns));
        String navigation = "list" + memberEntity + "_association";
        List<Map<String, JsonValue>> rows = new ArrayList<>();
        String skipToken = null;
        do {
            String token = skipToken;
            JsonObject page =
                    read(
                            send(
                                    "GET lists(" + listId + ")/" + navigation,
                                    bearer ->
                                            client.listMembers(
                                                    listId,
                                                    navigation,
                                                    select,
                                                    token,
                                                    "odata.maxpagesize=5000,"
                                                            + DataverseClient.ANNOTATIONS,
                                                    bearer),
                                    false));
            page.getJsonArray("value").forEach(v -> rows.add(normalize(v.asJsonObject())));
            skipToken = skipToken(page.getString("@odata.nextLink", null));
        } while (skipToken != null);
        return rows;
    }

    /**
     * The rows a FetchXML query selects (the members of a dynamic list), with the given columns
     * added to it, page by page (count/page/paging-cookie,
     * while @Microsoft.Dynamics.CRM.morerecords).
     */
    private List<Map<String, JsonValue>> fetchAll(String fetchXml, Collection<String> columns) {
        FetchQuery query = FetchQuery.parse(fetchXml, columns);
        List<Map<String, JsonValue>> rows = new ArrayList<>();
        String cookie = null;
        for (int page = 1; ; page++) {
            String xml = query.page(page, 5000, cookie);
            JsonObject answer =
                    read(
                            send(
                                    "GET " + entitySet(query.entity()) + "?fetchXml",
                                    bearer -> client.fetch(entitySet(query.entity()), xml, bearer),
                                    false));
            answer.getJsonArray("value").forEach(v -> rows.add(normalize(v.asJsonObject())));
            if (!answer.getBoolean("@Microsoft.Dynamics.CRM.morerecords", false)) {
                return rows;
            }
            cookie =
                    FetchQuery.pagingCookie(
                            answer.getString("@Microsoft.Dynamics.CRM.fetchxmlpagingcookie", null));
        }
    }

    /**
     * Sends up to 1000 operations in one $batch (each its own part, so one failure does not undo
     * the others) and answers each one's HTTP status, in order. A create that meets "duplicate key"
     * (412) answers 412: the row is there already. 429 and 5xx of the batch itself fail the call
     * like any other request.
     */
    public List<Integer> batch(List<BatchOperation> operations) {
        if (operations.size() > 1000) {
            throw new IllegalArgumentException("a Dataverse $batch takes at most 1000 requests");
        }
        limits.acquire(operations.size());
        String boundary = DataverseClient.BATCH_BOUNDARY;
        StringBuilder body = new StringBuilder();
        for (BatchOperation op : operations) {
            body.append("--")
                    .append(boundary)
                    .append("\r\n")
                    .append(
                            "Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                    .append(op.method())
                    .append(' ')
                    .append(base)
                    .append(op.target())
                    .append(" HTTP/1.1\r\n")
                    .append("Content-Type: application/json; charset=utf-8\r\n");
            if (op.withoutAsyncSteps()) {
                body.append("MSCRM.BypassBusinessLogicExecution: CustomAsync\r\n");
            }
            if ("PATCH".equals(op.method())) {
                body.append("If-Match: *\r\n");
            }
            body.append("\r\n").append(op.body()).append("\r\n");
        }
        body.append("--").append(boundary).append("--\r\n");
        String payload = body.toString();
        Response response =
                send(
                        "POST $batch (" + operations.size() + " requests)",
                        bearer -> client.batch(payload, bearer),
                        false);
        String answer = body(response);
        List<Integer> statuses =
                BatchResponses.statuses(response.getHeaderString("Content-Type"), answer);
        if (statuses.contains(400)) {
            // an operation refused for a column the org lacks: so would every other's
            DataverseNotSetUpException.raiseIfMissingColumn(
                    "POST $batch (" + operations.size() + " requests)", answer);
        }
        if (statuses.size() != operations.size()) {
            throw new DataverseUnavailableException(
                    "$batch answered "
                            + statuses.size()
                            + " responses for "
                            + operations.size()
                            + " requests");
        }
        return statuses;
    }

    /**
     * Creates or updates many rows of one table in one request (CreateMultiple, UpdateMultiple: one
     * request against the service protection limits, however many rows). All or nothing: when
     * Dataverse refuses it (a row gone, a value refused, or a table that does not offer the
     * message) nothing was written, and the caller writes the rows one by one. 429 and 5xx fail the
     * call like any other request.
     *
     * @param operations creates (POST of the set) or updates (PATCH of a row) of one entity set,
     *     all quiet or none
     * @return false when Dataverse refused the request (the reason is logged)
     */
    public boolean multiple(String entity, List<BatchOperation> operations) {
        if (operations.isEmpty()) {
            return true;
        }
        BatchOperation first = operations.get(0);
        boolean create = "POST".equals(first.method());
        String set = entitySet(entity);
        JsonArrayBuilder targets = Json.createArrayBuilder();
        for (BatchOperation op : operations) {
            JsonObjectBuilder target =
                    Json.createObjectBuilder(op.body())
                            .add("@odata.type", "Microsoft.Dynamics.CRM." + entity);
            if (!create) {
                String target0 = op.target();
                target.add(
                        idColumn(entity),
                        target0.substring(target0.indexOf('(') + 1, target0.length() - 1));
            }
            targets.add(target);
        }
        JsonObject body = Json.createObjectBuilder().add("Targets", targets).build();
        String action = create ? "CreateMultiple" : "UpdateMultiple";
        try {
            send(
                            action + " " + set + " (" + operations.size() + " rows)",
                            bearer ->
                                    client.multiple(
                                            set,
                                            action,
                                            body,
                                            first.withoutAsyncSteps() ? "CustomAsync" : null,
                                            bearer),
                            false)
                    .close();
            return true;
        } catch (DataverseRejectedException refused) {
            LOG.info(
                    () ->
                            action
                                    + " of "
                                    + operations.size()
                                    + " "
                                    + set
                                    + " refused, written one by one instead: "
                                    + refused.getMessage());
            return false;
        }
    }

    /**
     * Writes columns of a contact, lead or account (profile values that came from Spotler).
     *
     * @return false when Dataverse no longer has the record
     */
    public boolean updateRecord(String entity, String id, Map<String, JsonValue> columns) {
        JsonObjectBuilder body = Json.createObjectBuilder();
        columns.forEach(body::add);
        return update(entity, id, body.build());
    }

    /**
     * PATCH with If-Match: * — changes only the columns given.
     *
     * @return false when the row does not exist (nothing is created)
     */
    private boolean update(String entity, String id, JsonObject columns) {
        Response response =
                send(
                        "PATCH " + entitySet(entity) + "(" + id + ")",
                        bearer -> client.update(entitySet(entity), id, columns, bearer),
                        true);
        if (response == null) {
            return false;
        }
        response.close();
        return true;
    }

    /**
     * Creates a row whose primary key the caller chose, so a repeated call cannot create a second
     * one.
     *
     * @return false when a row with that key already exists
     */
    private boolean createOnce(String entitySet, JsonObject columns) {
        Response response;
        try {
            response = client.create(entitySet, columns, tokens.bearer());
        } catch (ProcessingException e) {
            calls.unreachable();
            throw new DataverseUnavailableException("POST " + entitySet + ": " + e.getMessage(), e);
        }
        if (response.getStatus() == 412
                || (response.getStatus() == 400 && body(response).contains("0x80040237"))) {
            return false;
        }
        check("POST " + entitySet, response, false).close();
        return true;
    }

    private Response send(
            String what, Function<String, Response> request, boolean notFoundIsAnswer) {
        limits.acquire(1);
        Response response;
        try {
            response = request.apply(tokens.bearer());
            if (response.getStatus() == 401) {
                response.close();
                tokens.invalidate();
                response = request.apply(tokens.bearer());
            }
        } catch (ProcessingException e) {
            calls.unreachable();
            throw new DataverseUnavailableException(what + ": " + e.getMessage(), e);
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
        String body = body(response);
        if (status == 404 && notFoundIsAnswer) {
            return null;
        }
        if (status == 429) {
            Duration wait =
                    dev.spotbridge.http.RetryAfter.parse(response.getHeaderString("Retry-After"));
            if (wait.toSeconds() > maxRetryAfterSeconds) {
                // longer than a call may wait: the change goes back on the queue for that long
                throw new DataverseThrottledException(
                        what + ": 429 Too Many Requests (Retry-After " + wait.toSeconds() + " s)",
                        wait);
            }
            dev.spotbridge.http.RetryAfter.sleep(wait);
            throw new DataverseUnavailableException(
                    what + ": 429 Too Many Requests (Retry-After " + wait.toSeconds() + " s)");
        }
        if (status >= 500) {
            throw new DataverseUnavailableException(what + ": " + status + " " + abbreviate(body));
        }
        String answer = status + " " + abbreviate(body);
        if (status == 400) {
            DataverseNotSetUpException.raiseIfMissingColumn(what, answer);
        }
        throw new DataverseRejectedException(status, what + ": " + answer);
    }

    /** A response's body as text (empty when it has none). */
    static String body(Response response) {
        return response.hasEntity() ? response.readEntity(String.class) : "";
    }

    /** A response's body as a JSON object. */
    static JsonObject read(Response response) {
        try (JsonReader reader = Json.createReader(new StringReader(body(response)))) {
            return reader.readObject();
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    /** The $skiptoken of an @odata.nextLink, or null at the last page. */
    static String skipToken(String nextLink) {
        if (nextLink == null) {
            return null;
        }
        Matcher m = Pattern.compile("[?&](?:%24|\\$)skiptoken=([^&]*)").matcher(nextLink);
        if (!m.find()) {
            throw new DataverseRejectedException("@odata.nextLink without $skiptoken: " + nextLink);
        }
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    static Map<String, JsonValue> normalize(JsonObject row) {
        Map<String, JsonValue> columns = new LinkedHashMap<>();
        row.forEach(
                (name, value) -> {
                    if (name.contains("@")) {
                        return;
                    }
                    if (name.startsWith("_") && name.endsWith("_value")) {
                        String column = name.substring(1, name.length() - "_value".length());
                        JsonValue logical =
                                row.get(name + "@Microsoft.Dynamics.CRM.lookuplogicalname");
                        JsonValue formatted =
                                row.get(name + "@OData.Community.Display.V1.FormattedValue");
                        JsonObjectBuilder reference =
                                Json.createObjectBuilder()
                                        .add("id", value)
                                        .add(
                                                "logicalName",
                                                logical == null ? JsonValue.NULL : logical);
                        if (formatted instanceof JsonString) {
                            reference.add("name", formatted);
                        }
                        columns.put(
                                column,
                                value.getValueType() == JsonValue.ValueType.NULL
                                        ? JsonValue.NULL
                                        : reference.build());
                    } else {
                        columns.put(name, value);
                    }
                });
        return columns;
    }
}
