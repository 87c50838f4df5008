package dev.spotbridge.sandbox;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raises webhooks as Dataverse's asynchronous service does: when a row changes through the Web API,
 * every enabled step registered for that message and table (an Update step only when a filtering
 * attribute is among the changed columns) gets a RemoteExecutionContext — Target, images as
 * registered, the real JSON shape — posted to its service endpoint with the endpoint's key.
 * Deliveries run one at a time on a thread of their own; a 502, 503 or 504 is tried once more; a
 * failed delivery is kept as a failed system job (asyncoperations, statuscode 31). An update of
 * state columns together with others runs the Update steps twice, as Dataverse does. Requests with
 * {@code MSCRM.BypassBusinessLogicExecution: CustomAsync} raise nothing.
 */
@ApplicationScoped
public class DataverseWebhooks {

    private static final String CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";

    static final String ORGANIZATION_ID = "7a3c1f52-5b6e-4f11-a670-000d3a5a9c21";
    static final String BUSINESS_UNIT_ID = "41b2c9d0-5b6e-4f11-a670-000d3a5a9c21";

    /** The application user behind every Web API request of the sandbox. */
    static final String USER_ID = "be5d0e77-5c6e-4f11-a670-6045bd5a9c21";

    private static final Set<String> STATE = Set.of("statecode", "statuscode");

    private static final Logger LOG = Logger.getLogger(DataverseWebhooks.class.getName());

    @Inject DataverseRegistrations registrations;

    @Inject DataverseMetadata metadata;

    @Inject SandboxStore store;

    @Resource ManagedThreadFactory threads;

    private ExecutorService deliveries;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final AtomicLong delivered = new AtomicLong();

    private final AtomicLong failed = new AtomicLong();

    private final ThreadLocal<List<Runnable>> deferred = new ThreadLocal<>();

    /** One change of a row through the Web API. */
    record Change(
            String message,
            String table,
            String id,
            JsonObject before,
            JsonObject after,
            Set<String> columns) {}

    @PostConstruct
    void start() {
        deliveries = Executors.newSingleThreadExecutor(threads);
    }

    @PreDestroy
    void stop() {
        deliveries.shutdown();
        try {
            deliveries.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    JsonObject stats() {
        return Json.createObjectBuilder()
                .add("webhooksDelivered", delivered.get())
                .add("webhooksFailed", failed.get())
                .build();
    }

    /** Whether a request asked to bypass asynchronous custom logic. */
    static boolean bypassed(String header) {
        return header != null
                && Arrays.stream(header.split(","))
                        .map(String::trim)
                        .anyMatch(v -> v.equalsIgnoreCase("CustomAsync"));
    }

    /** Holds back what the current change set raises until it commits. */
    void defer() {
        deferred.set(new ArrayList<>());
    }

    void release(boolean committed) {
        List<Runnable> held = deferred.get();
        deferred.remove();
        if (committed && held != null) {
            held.forEach(deliveries::submit);
        }
    }

    void changed(Change change) {
        List<Set<String>> rounds = new ArrayList<>();
        if ("Update".equals(change.message())) {
            Set<String> state = new LinkedHashSet<>(change.columns());
            state.retainAll(STATE);
            Set<String> other = new LinkedHashSet<>(change.columns());
            other.removeAll(STATE);
            if (!other.isEmpty()) {
                rounds.add(other);
            }
            if (!state.isEmpty()) {
                rounds.add(state);
            }
        } else {
            rounds.add(change.columns());
        }
        for (Set<String> columns : rounds) {
            for (DataverseRegistrations.Step step :
                    registrations.steps(change.message(), change.table())) {
                if ("Update".equals(change.message())
                        && !filtered(step.row().getString("filteringattributes", null), columns)) {
                    continue;
                }
                JsonObject context = context(change, columns, step);
                Runnable delivery = () -> deliver(step, context);
                List<Runnable> held = deferred.get();
                if (held != null) {
                    held.add(delivery);
                } else {
                    deliveries.submit(delivery);
                }
            }
        }
    }

    private static boolean filtered(String filtering, Set<String> columns) {
        if (filtering == null || filtering.isBlank()) {
            return true;
        }
        return Arrays.stream(filtering.split(",")).map(String::trim).anyMatch(columns::contains);
    }

    private JsonObject context(
            Change change, Set<String> columns, DataverseRegistrations.Step step) {
        DataverseMetadata.Entity entity = metadata.entity(change.table()).orElse(null);
        String now = "/Date(" + Instant.now().toEpochMilli() + "+0000)/";
        JsonObjectBuilder target;
        if ("Delete".equals(change.message())) {
            target = reference(change.table(), change.id());
        } else {
            Set<String> attributes = new LinkedHashSet<>();
            if ("Create".equals(change.message())) {
                attributes.addAll(columnsOf(change.after()));
            } else {
                attributes.addAll(columns);
                attributes.add("modifiedon");
            }
            attributes.add(entity == null ? change.table() + "id" : entity.primaryId());
            target =
                    image(entity, change.table(), change.id(), change.after(), attributes)
                            .add("__type", "Entity:" + CONTRACTS);
        }
        JsonArrayBuilder pre = Json.createArrayBuilder();
        JsonArrayBuilder post = Json.createArrayBuilder();
        if (!"Delete".equals(change.message())) {
            String name = primaryName(change.table());
            Set<String> primary = new LinkedHashSet<>();
            if (name != null) {
                primary.add(name);
            }
            primary.add(entity == null ? change.table() + "id" : entity.primaryId());
            post.add(
                    pair(
                            "AsynchronousStepPrimaryName",
                            image(entity, change.table(), change.id(), change.after(), primary)
                                    .build()));
        }
        for (JsonObject image : registrations.images(step.id())) {
            int type = image.getInt("imagetype", 0);
            String alias = image.getString("entityalias", "");
            Set<String> wanted =
                    image.get("attributes") instanceof JsonString s && !s.getString().isBlank()
                            ? new LinkedHashSet<>(Arrays.asList(s.getString().split("\\s*,\\s*")))
                            : null;
            if ((type == 0 || type == 2)
                    && change.before() != null
                    && !"Create".equals(change.message())) {
                pre.add(
                        pair(
                                alias,
                                image(entity, change.table(), change.id(), change.before(), wanted)
                                        .build()));
            }
            if ((type == 1 || type == 2)
                    && change.after() != null
                    && !"Delete".equals(change.message())) {
                post.add(
                        pair(
                                alias,
                                image(entity, change.table(), change.id(), change.after(), wanted)
                                        .build()));
            }
        }
        JsonArrayBuilder output = Json.createArrayBuilder();
        if ("Create".equals(change.message())) {
            output.add(pair("id", Json.createValue(change.id())));
        }
        String correlation = UUID.randomUUID().toString();
        return Json.createObjectBuilder()
                .add("BusinessUnitId", BUSINESS_UNIT_ID)
                .add("CorrelationId", correlation)
                .add("Depth", 1)
                .add("InitiatingUserAzureActiveDirectoryObjectId", USER_ID)
                .add("InitiatingUserId", USER_ID)
                .add(
                        "InputParameters",
                        Json.createArrayBuilder().add(pair("Target", target.build())))
                .add("IsExecutingOffline", false)
                .add("IsInTransaction", false)
                .add("IsOfflinePlayback", false)
                .add("IsolationMode", 1)
                .add("MessageName", change.message())
                .add("Mode", 1)
                .add("OperationCreatedOn", now)
                .add("OperationId", UUID.randomUUID().toString())
                .add("OrganizationId", ORGANIZATION_ID)
                .add("OrganizationName", "sandbox")
                .add("OutputParameters", output)
                .add(
                        "OwningExtension",
                        Json.createObjectBuilder()
                                .add("Id", step.id())
                                .add("KeyAttributes", Json.createArrayBuilder())
                                .add("LogicalName", "sdkmessageprocessingstep")
                                .add("Name", step.row().getString("name", ""))
                                .add("RowVersion", JsonValue.NULL))
                .add("ParentContext", JsonValue.NULL)
                .add("PostEntityImages", post)
                .add("PreEntityImages", pre)
                .add("PrimaryEntityId", change.id())
                .add("PrimaryEntityName", change.table())
                .add("RequestId", JsonValue.NULL)
                .add("SecondaryEntityName", "none")
                .add("SharedVariables", Json.createArrayBuilder())
                .add("Stage", 40)
                .add("UserAzureActiveDirectoryObjectId", USER_ID)
                .add("UserId", USER_ID)
                .build();
    }

    private String primaryName(String table) {
        return switch (table) {
            case "contact", "lead" -> "fullname";
            case "account" -> "name";
            case "list" -> "listname";
            default ->
                    store.get(DataverseMetadata.ENTITY, table)
                            .map(e -> e.getString("PrimaryNameAttribute", null))
                            .orElse(null);
        };
    }

    /** The columns a row holds, by their logical names (lookups without _…_value). */
    private static Set<String> columnsOf(JsonObject row) {
        Set<String> columns = new LinkedHashSet<>();
        row.keySet().stream()
                .filter(k -> !k.contains("@") && !"versionnumber".equals(k))
                .forEach(
                        k ->
                                columns.add(
                                        k.startsWith("_") && k.endsWith("_value")
                                                ? k.substring(1, k.length() - "_value".length())
                                                : k));
        return columns;
    }

    /** An Entity of the context: the wanted columns the row holds (all when wanted is null). */
    private static JsonObjectBuilder image(
            DataverseMetadata.Entity entity,
            String table,
            String id,
            JsonObject row,
            Set<String> wanted) {
        JsonArrayBuilder attributes = Json.createArrayBuilder();
        for (String column : wanted == null ? columnsOf(row) : wanted) {
            JsonValue value = value(entity, row, column);
            if (value != null) {
                attributes.add(pair(column, value));
            }
        }
        return Json.createObjectBuilder()
                .add("Attributes", attributes)
                .add("EntityState", JsonValue.NULL)
                .add("FormattedValues", Json.createArrayBuilder())
                .add("Id", id)
                .add("KeyAttributes", Json.createArrayBuilder())
                .add("LogicalName", table)
                .add("RelatedEntities", Json.createArrayBuilder())
                .add("RowVersion", JsonValue.NULL);
    }

    /** A column's value as the context types it; null when the row does not hold the column. */
    private static JsonValue value(DataverseMetadata.Entity entity, JsonObject row, String column) {
        String lookup = "_" + column + "_value";
        if (row.containsKey(lookup)) {
            JsonValue id = row.get(lookup);
            if (id.getValueType() == JsonValue.ValueType.NULL) {
                return JsonValue.NULL;
            }
            String logical =
                    row.getString(
                            lookup + "@Microsoft.Dynamics.CRM.lookuplogicalname", "systemuser");
            return reference(logical, ((JsonString) id).getString()).build();
        }
        if (!row.containsKey(column)) {
            return null;
        }
        JsonValue value = row.get(column);
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return JsonValue.NULL;
        }
        String type = entity == null ? "" : entity.type(column).orElse("");
        return switch (type) {
            case "State", "Status", "Picklist" ->
                    Json.createObjectBuilder()
                            .add("__type", "OptionSetValue:" + CONTRACTS)
                            .add("Value", value)
                            .build();
            case "Money" ->
                    Json.createObjectBuilder()
                            .add("__type", "Money:" + CONTRACTS)
                            .add("Value", value)
                            .build();
            case "DateTime" -> date(value);
            default -> value;
        };
    }

    private static JsonValue date(JsonValue value) {
        if (value instanceof JsonString s) {
            try {
                String text = s.getString();
                Instant at =
                        text.length() == 10
                                ? Instant.parse(text + "T00:00:00Z")
                                : Instant.parse(text);
                return Json.createValue("/Date(" + at.toEpochMilli() + ")/");
            } catch (RuntimeException e) {
                return value;
            }
        }
        return value;
    }

    private static JsonObjectBuilder reference(String table, String id) {
        return Json.createObjectBuilder()
                .add("__type", "EntityReference:" + CONTRACTS)
                .add("Id", id)
                .add("KeyAttributes", Json.createArrayBuilder())
                .add("LogicalName", table)
                .add("Name", JsonValue.NULL)
                .add("RowVersion", JsonValue.NULL);
    }

    private static JsonObject pair(String key, JsonValue value) {
        return Json.createObjectBuilder().add("key", key).add("value", value).build();
    }

    /** Posts one context to the step's endpoint; a failure becomes a failed system job. */
    private void deliver(DataverseRegistrations.Step step, JsonObject context) {
        String endpointId = step.row().getString("_eventhandler_value", "");
        JsonObject endpoint = store.get("dataverse.serviceendpoint", endpointId).orElse(null);
        if (endpoint == null) {
            job(step, false, "The service endpoint " + endpointId + " does not exist.");
            return;
        }
        String failure;
        try {
            HttpRequest request = request(endpoint, context);
            HttpResponse<String> response =
                    http.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status == 502 || status == 503 || status == 504) {
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
            }
            failure =
                    status >= 200 && status < 300
                            ? null
                            : "The webhook call failed: "
                                    + status
                                    + " "
                                    + abbreviate(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "The webhook call was interrupted.";
        } catch (Exception e) {
            failure = "The webhook call failed: " + e;
        }
        if (failure == null) {
            delivered.incrementAndGet();
            if (!step.row().getBoolean("asyncautodelete", false)) {
                job(step, true, "");
            }
        } else {
            failed.incrementAndGet();
            LOG.warning("sandbox webhook of " + step.row().getString("name", "") + ": " + failure);
            job(step, false, failure);
        }
    }

    private static HttpRequest request(JsonObject endpoint, JsonObject context) {
        String url = endpoint.getString("url", "");
        int authType = endpoint.getInt("authtype", 0);
        String authValue = endpoint.getString("authvalue", "");
        Map<String, String> settings = settings(authValue);
        if (authType == 4) {
            url += (url.contains("?") ? "&" : "?") + "code=" + encode(authValue);
        } else if (authType == 6) {
            StringBuilder query = new StringBuilder();
            settings.forEach(
                    (k, v) ->
                            query.append(query.length() == 0 ? "" : "&")
                                    .append(encode(k))
                                    .append('=')
                                    .append(encode(v)));
            url += (url.contains("?") ? "&" : "?") + query;
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/json")
                        .header("x-ms-dynamics-organization", "sandbox.crm.dynamics.com")
                        .header("x-ms-dynamics-entity-name", context.getString("PrimaryEntityName"))
                        .header("x-ms-dynamics-request-name", context.getString("MessageName"))
                        .header("x-ms-correlation-request-id", context.getString("CorrelationId"))
                        .POST(HttpRequest.BodyPublishers.ofString(context.toString()));
        if (authType == 5) {
            settings.forEach(request::header);
        }
        return request.build();
    }

    /** The {@code <settings><setting name="…" value="…" /></settings>} of an authvalue. */
    static Map<String, String> settings(String authValue) {
        Map<String, String> settings = new LinkedHashMap<>();
        Matcher m =
                Pattern.compile("<setting\\s+name=\"([^\"]*)\"\\s+value=\"([^\"]*)\"\\s*/>")
                        .matcher(authValue == null ? "" : authValue);
        while (m.find()) {
            settings.put(unescape(m.group(1)), unescape(m.group(2)));
        }
        return settings;
    }

    private static String unescape(String text) {
        return text.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) : text;
    }

    private void job(DataverseRegistrations.Step step, boolean succeeded, String message) {
        String id = UUID.randomUUID().toString();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        store.update(
                "dataverse.asyncoperation",
                id,
                c ->
                        Json.createObjectBuilder()
                                .add("asyncoperationid", id)
                                .add("name", step.row().getString("name", ""))
                                .add("operationtype", 1)
                                .add("statecode", 3)
                                .add("statuscode", succeeded ? 30 : 31)
                                .add("message", message)
                                .add("friendlymessage", message)
                                .add("_owningextensionid_value", step.id())
                                .add("createdon", now)
                                .add("completedon", now)
                                .add("versionnumber", 1)
                                .add("modifiedon", now)
                                .build());
    }
}
