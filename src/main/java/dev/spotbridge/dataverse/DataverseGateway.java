package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
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
            DataverseThrottledException.class,
            CircuitBreakerOpenException.class
        })
@Timeout(value = 15, unit = java.time.temporal.ChronoUnit.SECONDS)
@CircuitBreaker(
        requestVolumeThreshold = 20,
        failureRatio = 0.5,
        delay = 15,
        delayUnit = java.time.temporal.ChronoUnit.SECONDS,
        successThreshold = 2,
        skipOn = {DataverseRejectedException.class, DataverseThrottledException.class})
public class DataverseGateway {

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

    @Inject SyncMetrics metrics;

    private CallMeter calls;
    private DataverseClient client;
    private String base;

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "dataverse");
        base = base0(url.orElseThrow());
        client =
                RestClientBuilder.newBuilder()
                        .baseUri(URI.create(base))
                        .connectTimeout(5, TimeUnit.SECONDS)
                        .readTimeout(10, TimeUnit.SECONDS)
                        .property("microprofile.rest.client.disable.default.mapper", true)
                        .register(calls)
                        .build(DataverseClient.class);
    }

    @jakarta.annotation.PreDestroy
    void close() {
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing an idle HTTP client cannot lose work
            }
        }
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

    /**
     * The record's current columns, or empty when Dataverse no longer has it.
     *
     * @param columns the columns to $select (the mapping's, plus statecode and modifiedon)
     */
    public Optional<Map<String, JsonValue>> record(
            String entity, String id, Collection<String> columns) {
        String select = String.join(",", new java.util.LinkedHashSet<>(columns));
        String what = "GET " + entitySet(entity) + "(" + id + ")";
        Response response =
                send(what, bearer -> client.row(entitySet(entity), id, select, bearer), true);
        return response == null ? Optional.empty() : Optional.of(normalize(read(response)));
    }

    /** The rows of a table that match an OData $filter, every page (following @odata.nextLink). */
    public List<Map<String, JsonValue>> rows(String entitySet, String filter, String select) {
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
    public record Page(List<Map<String, JsonValue>> rows, String next) {}

    /**
     * One page (at most {@code size} rows, odata.maxpagesize) of the rows of a table that match an
     * OData $filter.
     */
    public Page page(String entitySet, String filter, String select, String next, int size) {
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
    public List<Map<String, JsonValue>> staticMembers(
            String listId, String memberEntity, Collection<String> columns) {
        String select = String.join(",", new java.util.LinkedHashSet<>(columns));
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
    public List<Map<String, JsonValue>> fetchAll(String fetchXml, Collection<String> columns) {
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
        List<Integer> statuses =
                BatchResponses.statuses(response.getHeaderString("Content-Type"), body(response));
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
     * PATCH with If-Match: * — changes only the columns given.
     *
     * @return false when the row does not exist (nothing is created)
     */
    public boolean update(String entity, String id, JsonObject columns) {
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
    public boolean createOnce(String entitySet, JsonObject columns) {
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
            String what,
            java.util.function.Function<String, Response> request,
            boolean notFoundIsAnswer) {
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
            java.time.Duration wait =
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
        throw new DataverseRejectedException(what + ": " + status + " " + abbreviate(body));
    }

    private static String body(Response response) {
        return response.hasEntity() ? response.readEntity(String.class) : "";
    }

    private static JsonObject read(Response response) {
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
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("[?&](?:%24|\\$)skiptoken=([^&]*)")
                        .matcher(nextLink);
        if (!m.find()) {
            throw new DataverseRejectedException("@odata.nextLink without $skiptoken: " + nextLink);
        }
        return java.net.URLDecoder.decode(m.group(1), java.nio.charset.StandardCharsets.UTF_8);
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
                        columns.put(
                                column,
                                value.getValueType() == JsonValue.ValueType.NULL
                                        ? JsonValue.NULL
                                        : Json.createObjectBuilder()
                                                .add("id", value)
                                                .add(
                                                        "logicalName",
                                                        logical == null ? JsonValue.NULL : logical)
                                                .build());
                    } else {
                        columns.put(name, value);
                    }
                });
        return columns;
    }
}
