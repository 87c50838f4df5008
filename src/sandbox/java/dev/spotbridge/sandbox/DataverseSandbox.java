package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.StringReader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Emulates the Dataverse Web API v9.2 for contacts, leads and accounts at
 * /sandbox/dataverse/api/data/v9.2, and the Entra ID client-credentials token endpoint at
 * /sandbox/dataverse/oauth2/v2.0/token. Rows carry @odata.etag and a server-set modifiedon; errors
 * use Dataverse's {"error":{"code","message"}} shape; requests without a valid bearer token get 401
 * with WWW-Authenticate.
 */
@ApplicationScoped
@Path("dataverse")
@Produces(MediaType.APPLICATION_JSON)
public class DataverseSandbox {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject SandboxStore store;

    @Inject SandboxTransactions transactions;

    @Inject DataverseMetadata metadata;

    @Inject DataverseWebhooks webhooks;

    @Inject DataverseCustomization customization;

    @Inject DataverseRegistrations registrations;

    @Inject DataverseSecurity security;

    /** The sandbox's app registration (client) id: a GUID, as Entra gives one. */
    static final String DEFAULT_CLIENT_ID = "2f1c9a7e-6b3d-4c58-9e0a-5d7b8c1f4a26";

    /** The header that keeps a request's asynchronous custom logic (webhooks) from running. */
    static final String BYPASS = "MSCRM.BypassBusinessLogicExecution";

    /**
     * The application (client) the emulated Entra ID issues tokens to (not secrets: a sandbox's).
     */
    @Inject
    @ConfigProperty(name = "sandbox.dataverse.client.id", defaultValue = DEFAULT_CLIENT_ID)
    String clientId;

    /** The request being answered: links in answers are built from its address. */
    @Context UriInfo uri;

    @Inject
    @ConfigProperty(name = "spotbridge.sandbox.token-lifetime-seconds", defaultValue = "3599")
    long tokenLifetime;

    private final Faults faults = new Faults();

    private final ServiceProtectionLimit protection = new ServiceProtectionLimit();

    /** The service protection limit a test sets (0: none), in requests per window of seconds. */
    void serviceProtection(int maxRequests, long windowSeconds) {
        protection.set(maxRequests, windowSeconds);
    }

    /**
     * Counts requests against the service protection limit: over it, a 429 as Dataverse answers it
     * (error 0x80072322, Retry-After in seconds).
     */
    private void protect(long requests) {
        long retryAfter = protection.admit(requests);
        if (retryAfter >= 0) {
            throw new WebApplicationException(
                    Response.status(429)
                            .header("Retry-After", retryAfter)
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(
                                    errorBody(
                                            "0x80072322",
                                            "Number of requests exceeded the limit of "
                                                    + protection.maxRequests()
                                                    + " over time window of "
                                                    + protection.windowSeconds()
                                                    + " seconds."))
                            .build());
        }
    }

    private final AtomicLong requests = new AtomicLong();

    private final AtomicLong tokensIssued = new AtomicLong();

    private final AtomicLong patches = new AtomicLong();

    private final AtomicLong batches = new AtomicLong();

    /** CreateMultiple and UpdateMultiple requests answered. */
    private final AtomicLong multiples = new AtomicLong();

    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

    /** The bypass header of the $batch being answered. */
    private final ThreadLocal<String> batchBypass = new ThreadLocal<>();

    /** pagenumber and the last primary key of a paging cookie ($skiptoken of a table query). */
    private static final Pattern PAGING_COOKIE =
            Pattern.compile(
                    "pagenumber=\"(\\d+)\".*last%3d%22%7b([0-9a-fA-F-]{36})%7d", Pattern.DOTALL);

    @Inject
    @ConfigProperty(
            name = "sandbox.dataverse.client.secret",
            defaultValue = "sandbox-client-secret")
    String clientSecret;

    /**
     * Takes the org back to before any setup: no solution, publisher, custom table, column or
     * choice, no webhook endpoint, step or image (rows of D365's own tables stay).
     */
    void resetCustomizations() {
        metadata.reset();
        for (String kind :
                List.of(
                        "solution",
                        "publisher",
                        "solutioncomponent",
                        "serviceendpoint",
                        "sdkmessageprocessingstep",
                        "sdkmessageprocessingstepimage",
                        "webresource",
                        "savedquery",
                        "systemform",
                        "importjob")) {
            store.all("dataverse." + kind)
                    .forEach(
                            r ->
                                    store.delete(
                                            "dataverse." + kind,
                                            r.getString(
                                                    DataverseTables.bySet(
                                                                    "webresource".equals(kind)
                                                                            ? "webresourceset"
                                                                            : kind.endsWith("y")
                                                                                    ? kind
                                                                                                    .substring(
                                                                                                            0,
                                                                                                            kind
                                                                                                                            .length()
                                                                                                                    - 1)
                                                                                            + "ies"
                                                                                    : kind + "s")
                                                            .orElseThrow()
                                                            .idColumn())));
        }
        registrations.forms();
        security.reset();
    }

    /** The fault switch (called through the CDI proxy: fields of a proxy are not the bean's). */
    Faults faults() {
        return faults;
    }

    JsonObject stats() {
        return Json.createObjectBuilder(webhooks.stats())
                .add("requests", requests.get())
                .add("tokensIssued", tokensIssued.get())
                .add("patches", patches.get())
                .add("batches", batches.get())
                .add("multiples", multiples.get())
                .add("throttled", protection.throttled())
                .add("maxInWindow", protection.maxInWindow())
                .build();
    }

    @POST
    @Path("oauth2/v2.0/token")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response token(
            @FormParam("grant_type") String grantType,
            @FormParam("client_id") String id,
            @FormParam("client_secret") String secret,
            @FormParam("scope") String scope) {
        if (!"client_credentials".equals(grantType)) {
            return oauthError(
                    400,
                    "unsupported_grant_type",
                    "AADSTS70003: The app requested an unsupported grant type.");
        }
        if (scope == null || !scope.endsWith("/.default")) {
            return oauthError(
                    400,
                    "invalid_scope",
                    "AADSTS1002012: The provided value for scope is not valid; use <environment URL>/.default.");
        }
        if (!clientId.equals(id)) {
            return oauthError(
                    400,
                    "unauthorized_client",
                    "AADSTS700016: Application with identifier was not found in the directory.");
        }
        if (!clientSecret.equals(secret)) {
            return oauthError(
                    401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
        }
        byte[] raw = new byte[24];
        RANDOM.nextBytes(raw);
        String token = "sbx." + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        tokens.put(token, Instant.now().plusSeconds(tokenLifetime));
        tokensIssued.incrementAndGet();
        return Response.ok(
                        Json.createObjectBuilder()
                                .add("token_type", "Bearer")
                                .add("expires_in", tokenLifetime)
                                .add("ext_expires_in", tokenLifetime)
                                .add("access_token", token)
                                .build())
                .build();
    }

    @GET
    @Path("api/data/v9.2/{set}({id})")
    public Response row(
            @PathParam("set") String set,
            @PathParam("id") String id,
            @QueryParam("$select") String select,
            @HeaderParam("Prefer") String prefer,
            @HeaderParam("Authorization") String authorization) {
        DataverseTables.Table table = admit(set, authorization);
        selectable(table, select);
        String guid = guid(id);
        Optional<JsonObject> row = store.get(kind(table), guid);
        if (row.isEmpty()) {
            return notFound(table.entity(), guid);
        }
        JsonObjectBuilder out =
                Json.createObjectBuilder()
                        .add(
                                "@odata.context",
                                apiUrl()
                                        + "/$metadata#"
                                        + set
                                        + (select == null ? "" : "(" + select + ")")
                                        + "/$entity");
        project(row.get(), table, select, prefer).forEach(out::add);
        return Response.ok(out.build()).build();
    }

    @GET
    @Path("api/data/v9.2/{set}")
    public Response rows(
            @PathParam("set") String set,
            @QueryParam("$select") String select,
            @QueryParam("$filter") String filter,
            @QueryParam("fetchXml") String fetchXml,
            @QueryParam("$skiptoken") String skipToken,
            @QueryParam("$expand") String expand,
            @HeaderParam("Prefer") String prefer,
            @HeaderParam("Authorization") String authorization) {
        DataverseTables.Table table = admit(set, authorization);
        selectable(table, select);
        if (fetchXml != null) {
            return fetch(table, fetchXml, prefer);
        }
        if (expand != null && "systemusers".equals(set)) {
            return usersWithRoles(table, select, filter, expand, prefer);
        }
        Predicate<JsonObject> condition;
        try {
            condition = ODataFilter.parse(filter);
        } catch (IllegalArgumentException e) {
            return error(400, "0x80060888", e.getMessage());
        }
        // keyset paging as Dataverse does it: the $skiptoken is a paging cookie holding the last
        // primary key of the page before, so every page costs one page of reads
        int pageSize = pageSize(prefer);
        String after = null;
        int pageNumber = 1;
        if (skipToken != null) {
            Matcher cookie = PAGING_COOKIE.matcher(skipToken);
            if (!cookie.find()) {
                return error(
                        400, "0x80060888", "The $skiptoken is not a paging cookie of this query.");
            }
            pageNumber = Integer.parseInt(cookie.group(1));
            after = cookie.group(2).toLowerCase(Locale.ROOT);
        }
        List<JsonObject> rows =
                store.after(
                        kind(table),
                        after,
                        condition,
                        pageSize + 1,
                        ODataFilter.requiredGuids(filter));
        JsonObjectBuilder out = pageBody(set, table, rows.stream().limit(pageSize), select, prefer);
        if (rows.size() > pageSize) {
            String last = rows.get(pageSize - 1).getString(table.idColumn());
            String cookie =
                    "<cookie pagenumber=\""
                            + (pageNumber + 1)
                            + "\" pagingcookie=\"%3ccookie%20page%3d%22"
                            + pageNumber
                            + "%22%3e%3c"
                            + table.idColumn()
                            + "%20last%3d%22%7b"
                            + last.toUpperCase(Locale.ROOT)
                            + "%7d%22%20%2f%3e%3c%2fcookie%3e\" istracking=\"False\" />";
            out.add(
                    "@odata.nextLink",
                    apiUrl()
                            + "/"
                            + set
                            + "?"
                            + (select == null ? "" : "$select=" + encode(select) + "&")
                            + (filter == null ? "" : "$filter=" + encode(filter) + "&")
                            + "$skiptoken="
                            + encode(cookie));
        }
        return Response.ok(out.build()).build();
    }

    /**
     * Static list members: GET lists({id})/listcontact_association (or listlead_, listaccount_).
     */
    @GET
    @Path("api/data/v9.2/lists({id})/{navigation}")
    public Response members(
            @PathParam("id") String id,
            @PathParam("navigation") String navigation,
            @QueryParam("$select") String select,
            @QueryParam("$skiptoken") String skipToken,
            @HeaderParam("Prefer") String prefer,
            @HeaderParam("Authorization") String authorization) {
        admit("lists", authorization);
        String guid = guid(id);
        Matcher m = Pattern.compile("^list(contact|lead|account)_association$").matcher(navigation);
        if (!m.matches()) {
            return error(
                    400,
                    "0x80060888",
                    "Could not find a property named '"
                            + navigation
                            + "' on type 'Microsoft.Dynamics.CRM.list'.");
        }
        if (store.get("dataverse.list", guid).isEmpty()) {
            return notFound("list", guid);
        }
        DataverseTables.Table members = DataverseTables.byEntity(m.group(1)).orElseThrow();
        List<JsonObject> rows =
                store.all("dataverse.listmember").stream()
                        .filter(r -> guid.equals(r.getString("_listid_value", "")))
                        .map(r -> store.get(kind(members), r.getString("_entityid_value", "")))
                        .flatMap(Optional::stream)
                        .toList();
        String next =
                apiUrl()
                        + "/lists("
                        + guid
                        + ")/"
                        + navigation
                        + "?"
                        + (select == null ? "" : "$select=" + encode(select) + "&");
        return page(members.set(), members, rows, select, prefer, skipToken, next);
    }

    /** The body of a page of rows: @odata.context and the projected rows as value. */
    private JsonObjectBuilder pageBody(
            String set,
            DataverseTables.Table table,
            Stream<JsonObject> rows,
            String select,
            String prefer) {
        JsonArrayBuilder value = Json.createArrayBuilder();
        rows.forEach(r -> value.add(Json.createObjectBuilder(project(r, table, select, prefer))));
        return Json.createObjectBuilder()
                .add("@odata.context", apiUrl() + "/$metadata#" + set)
                .add("value", value);
    }

    /** One page of rows ($skiptoken = offset), with @odata.nextLink while more remain. */
    private Response page(
            String set,
            DataverseTables.Table table,
            List<JsonObject> rows,
            String select,
            String prefer,
            String skipToken,
            String nextBase) {
        int pageSize = pageSize(prefer);
        int from = skipToken == null ? 0 : Integer.parseInt(skipToken);
        JsonObjectBuilder out =
                pageBody(set, table, rows.stream().skip(from).limit(pageSize), select, prefer);
        if (from + pageSize < rows.size()) {
            out.add("@odata.nextLink", nextBase + "$skiptoken=" + (from + pageSize));
        }
        return Response.ok(out.build()).build();
    }

    /** GET {set}?fetchXml=…: the FetchXML's conditions, paged by its count/page attributes. */
    private Response fetch(DataverseTables.Table table, String fetchXml, String prefer) {
        FetchXml fetch;
        try {
            fetch = FetchXml.parse(fetchXml);
        } catch (IllegalArgumentException e) {
            return error(400, "0x80041103", e.getMessage());
        }
        if (!table.entity().equals(fetch.entity)) {
            return error(
                    400,
                    "0x80041103",
                    "The entity name in the FetchXML ("
                            + fetch.entity
                            + ") does not match the entity set "
                            + table.set()
                            + ".");
        }
        List<JsonObject> matching = store.all(kind(table)).stream().filter(fetch.filter).toList();
        int from = (fetch.page - 1) * fetch.count;
        JsonArrayBuilder value = Json.createArrayBuilder();
        matching.stream()
                .skip(from)
                .limit(fetch.count)
                .forEach(r -> value.add(Json.createObjectBuilder(project(r, table, null, prefer))));
        boolean more = from + fetch.count < matching.size();
        JsonObjectBuilder out =
                Json.createObjectBuilder()
                        .add("@odata.context", apiUrl() + "/$metadata#" + table.set())
                        .add("@Microsoft.Dynamics.CRM.morerecords", more)
                        .add("value", value);
        if (more) {
            out.add(
                    "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie",
                    "<cookie pagenumber=\""
                            + fetch.page
                            + "\" pagingcookie=\"sandbox\" istracking=\"False\" />");
        }
        return Response.ok(out.build()).build();
    }

    // ---- metadata, solutions (DataverseCustomization does the work)

    @GET
    @Path("api/data/v9.2/EntityDefinitions({key})")
    public Response entityDefinition(
            @PathParam("key") String key,
            @QueryParam("$select") String select,
            @HeaderParam("Authorization") String authorization) {
        authorize("EntityDefinitions", authorization);
        return customization.entityDefinition(apiUrl(), key);
    }

    @GET
    @Path("api/data/v9.2/EntityDefinitions({key})/Attributes")
    public Response attributeDefinitions(
            @PathParam("key") String key,
            @QueryParam("$select") String select,
            @HeaderParam("Authorization") String authorization) {
        authorize("EntityDefinitions", authorization);
        return customization.attributeDefinitions(apiUrl(), key);
    }

    @POST
    @Path("api/data/v9.2/EntityDefinitions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createEntityDefinition(
            String body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String authorization) {
        authorize("EntityDefinitions", authorization);
        return customization.createEntity(apiUrl(), object(body), solution);
    }

    @POST
    @Path("api/data/v9.2/EntityDefinitions({key})/Attributes")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createAttributeDefinition(
            @PathParam("key") String key,
            String body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String authorization) {
        authorize("EntityDefinitions", authorization);
        return customization.createAttribute(apiUrl(), key, object(body), solution);
    }

    @POST
    @Path("api/data/v9.2/RelationshipDefinitions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createRelationshipDefinition(
            String body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String authorization) {
        authorize("RelationshipDefinitions", authorization);
        return customization.createRelationship(apiUrl(), object(body), solution);
    }

    @GET
    @Path("api/data/v9.2/GlobalOptionSetDefinitions({key})")
    public Response optionSetDefinition(
            @PathParam("key") String key, @HeaderParam("Authorization") String authorization) {
        authorize("GlobalOptionSetDefinitions", authorization);
        return customization.optionSet(apiUrl(), key);
    }

    @POST
    @Path("api/data/v9.2/GlobalOptionSetDefinitions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createOptionSetDefinition(
            String body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String authorization) {
        authorize("GlobalOptionSetDefinitions", authorization);
        return customization.createOptionSet(apiUrl(), object(body), solution);
    }

    /** systemusers with $expand=systemuserroles_association($select=…): each user's roles. */
    private Response usersWithRoles(
            DataverseTables.Table table,
            String select,
            String filter,
            String expand,
            String prefer) {
        Matcher m =
                Pattern.compile("^systemuserroles_association(?:\\(\\$select=([a-z_,]+)\\))?$")
                        .matcher(expand.trim());
        if (!m.matches()) {
            return error(
                    400,
                    "0x80060888",
                    "Could not find a property named '"
                            + expand
                            + "' on type 'Microsoft.Dynamics.CRM.systemuser'.");
        }
        List<String> roleColumns = m.group(1) == null ? List.of() : List.of(m.group(1).split(","));
        Predicate<JsonObject> condition;
        try {
            condition = ODataFilter.parse(filter);
        } catch (IllegalArgumentException e) {
            return error(400, "0x80060888", e.getMessage());
        }
        JsonArrayBuilder value = Json.createArrayBuilder();
        for (JsonObject user : store.after(kind(table), null, condition, 5000)) {
            JsonObjectBuilder row = Json.createObjectBuilder();
            project(user, table, select, prefer).forEach(row::add);
            row.add(
                    "systemuserroles_association",
                    security.userRoles(user.getString("systemuserid"), roleColumns));
            value.add(row);
        }
        return Response.ok(
                        Json.createObjectBuilder()
                                .add("@odata.context", apiUrl() + "/$metadata#systemusers")
                                .add("value", value)
                                .build())
                .build();
    }

    @GET
    @Path("api/data/v9.2/roles({id})/Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRole()")
    public Response rolePrivileges(
            @PathParam("id") String id, @HeaderParam("Authorization") String authorization) {
        authorize("RetrieveRolePrivilegesRole", authorization);
        return security.rolePrivileges(guid(id));
    }

    @POST
    @Path("api/data/v9.2/roles({id})/Microsoft.Dynamics.CRM.ReplacePrivilegesRole")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response replacePrivileges(
            @PathParam("id") String id,
            String body,
            @HeaderParam("Authorization") String authorization) {
        authorize("ReplacePrivilegesRole", authorization);
        return security.replacePrivileges(guid(id), object(body));
    }

    @POST
    @Path("api/data/v9.2/systemusers({id})/systemuserroles_association/$ref")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response associateRole(
            @PathParam("id") String id,
            String body,
            @HeaderParam("Authorization") String authorization) {
        authorize("Associate", authorization);
        return security.associate(guid(id), object(body));
    }

    /**
     * RetrieveTotalRecordCount(EntityNames=["contact","lead"]): the rows of each table as Dataverse
     * counts them for its storage report — all rows, active or not (Dataverse's figure is a
     * snapshot of the last 24 hours; the sandbox's is current). An unknown table is a 400 as in
     * Dataverse.
     */
    @GET
    @Path("api/data/v9.2/RetrieveTotalRecordCount(EntityNames={names})")
    public Response totalRecordCount(
            @PathParam("names") String names, @HeaderParam("Authorization") String authorization) {
        authorize("RetrieveTotalRecordCount", authorization);
        JsonArray keys;
        try (var reader = Json.createReader(new java.io.StringReader(names))) {
            keys = reader.readArray();
        } catch (RuntimeException e) {
            return error(
                    400,
                    "0x80060888",
                    "EntityNames must be a collection of logical names: " + names);
        }
        JsonArrayBuilder values = Json.createArrayBuilder();
        for (JsonValue key : keys) {
            String entity = key instanceof JsonString s ? s.getString() : String.valueOf(key);
            Optional<DataverseTables.Table> table = DataverseTables.byEntity(entity);
            if (table.isEmpty()) {
                return error(
                        400,
                        "0x80040217",
                        "The entity with a name = '" + entity + "' was not found");
            }
            values.add(store.count(kind(table.get())));
        }
        return Response.ok(
                        Json.createObjectBuilder()
                                .add(
                                        "@odata.context",
                                        apiUrl()
                                                + "/$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse")
                                .add(
                                        "EntityRecordCountCollection",
                                        Json.createObjectBuilder()
                                                .add("Count", keys.size())
                                                .add("IsReadOnly", false)
                                                .add("Keys", keys)
                                                .add("Values", values))
                                .build())
                .build();
    }

    /**
     * The actions setup calls: InsertOptionValue, AddSolutionComponent, ImportSolution, PublishXml,
     * PublishAllXml.
     */
    @POST
    @Path(
            "api/data/v9.2/{action: InsertOptionValue|AddSolutionComponent|ImportSolution|PublishXml|PublishAllXml}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response action(
            @PathParam("action") String action,
            String body,
            @HeaderParam("Authorization") String authorization) {
        authorize(action, authorization);
        return customization.action(
                action,
                body == null || body.isBlank() ? JsonValue.EMPTY_JSON_OBJECT : object(body));
    }

    @PATCH
    @Path("api/data/v9.2/{set}({id})")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response upsert(
            @PathParam("set") String set,
            @PathParam("id") String id,
            String body,
            @HeaderParam("If-Match") String ifMatch,
            @HeaderParam("If-None-Match") String ifNoneMatch,
            @HeaderParam(BYPASS) String bypass,
            @HeaderParam("Authorization") String authorization) {
        return doUpsert(admit(set, authorization), set, id, body, ifMatch, ifNoneMatch, bypass);
    }

    private Response doUpsert(
            DataverseTables.Table table,
            String set,
            String id,
            String body,
            String ifMatch,
            String ifNoneMatch,
            String bypass) {
        String guid = guid(id);
        boolean exists = store.get(kind(table), guid).isPresent();
        if ("*".equals(ifMatch) && !exists) {
            return notFound(table.entity(), guid);
        }
        if ("*".equals(ifNoneMatch) && exists) {
            return error(412, "0x80040237", "A record with matching key values already exists.");
        }
        JsonObject columns = object(body);
        Written written = write(table, guid, columns);
        raise(
                written.before() == null ? "Create" : "Update",
                table,
                guid,
                written,
                columns,
                bypass);
        patches.incrementAndGet();
        return Response.noContent().header("OData-EntityId", entityUri(set, guid)).build();
    }

    @POST
    @Path("api/data/v9.2/{set}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(
            @PathParam("set") String set,
            String body,
            @HeaderParam(BYPASS) String bypass,
            @HeaderParam("Authorization") String authorization) {
        return doCreate(admit(set, authorization), set, body, bypass);
    }

    private Response doCreate(DataverseTables.Table table, String set, String body, String bypass) {
        JsonObject columns = object(body);
        String guid =
                columns.containsKey(table.idColumn())
                        ? guid(columns.getString(table.idColumn()))
                        : UUID.randomUUID().toString();
        if (store.get(kind(table), guid).isPresent()) {
            return error(412, "0x80040237", "Cannot insert duplicate key.");
        }
        Written written = write(table, guid, columns);
        raise("Create", table, guid, written, columns, bypass);
        return Response.noContent().header("OData-EntityId", entityUri(set, guid)).build();
    }

    /**
     * The bulk actions of standard tables: POST {set}/Microsoft.Dynamics.CRM.CreateMultiple (200
     * with the created rows' Ids) and …UpdateMultiple (204), {"Targets": [...]} each with its
     * {@code @odata.type}, an update with its primary key. One request, whatever the number of
     * targets; all or nothing: the first target that fails fails the request and undoes the others.
     * Each target raises its own Create or Update event, as Dataverse does.
     */
    @POST
    @Path("api/data/v9.2/{set}/Microsoft.Dynamics.CRM.{action: CreateMultiple|UpdateMultiple}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response multiple(
            @PathParam("set") String set,
            @PathParam("action") String action,
            String body,
            @HeaderParam(BYPASS) String bypass,
            @HeaderParam("Authorization") String authorization) {
        DataverseTables.Table table =
                admit(set, set + "/Microsoft.Dynamics.CRM." + action, authorization);
        multiples.incrementAndGet();
        JsonObject request = object(body);
        if (!(request.get("Targets") instanceof JsonArray targets) || targets.isEmpty()) {
            return error(
                    400, "0x80048d19", "The parameter 'Targets' of " + action + " is missing.");
        }
        String type = "Microsoft.Dynamics.CRM." + table.entity();
        for (JsonValue target : targets) {
            if (target.getValueType() != JsonValue.ValueType.OBJECT
                    || !type.equals(target.asJsonObject().getString("@odata.type", ""))) {
                return error(
                        400,
                        "0x80048d19",
                        "Each item of 'Targets' needs \"@odata.type\": \"" + type + "\".");
            }
        }
        boolean create = "CreateMultiple".equals(action);
        List<String> ids = new ArrayList<>();
        Response[] failure = new Response[1];
        webhooks.defer();
        boolean committed = false;
        try {
            transactions.run(
                    () -> {
                        for (JsonValue target : targets) {
                            JsonObjectBuilder columns =
                                    Json.createObjectBuilder(target.asJsonObject());
                            columns.remove("@odata.type");
                            JsonObject row = columns.build();
                            Response response;
                            if (create) {
                                response = doCreate(table, set, row.toString(), bypass);
                            } else if (!(row.get(table.idColumn()) instanceof JsonString id)) {
                                response =
                                        error(
                                                400,
                                                "0x80048d19",
                                                "An item of 'Targets' has no "
                                                        + table.idColumn()
                                                        + ".");
                            } else {
                                response =
                                        doUpsert(
                                                table,
                                                set,
                                                id.getString(),
                                                row.toString(),
                                                "*",
                                                null,
                                                bypass);
                            }
                            if (response.getStatus() >= 400) {
                                failure[0] = response;
                                throw new ChangesetFailed();
                            }
                            String entityId = response.getHeaderString("OData-EntityId");
                            ids.add(
                                    entityId.substring(
                                            entityId.lastIndexOf('(') + 1, entityId.length() - 1));
                        }
                    });
            committed = true;
        } catch (ChangesetFailed e) {
            return failure[0];
        } finally {
            webhooks.release(committed);
        }
        if (!create) {
            return Response.noContent().build();
        }
        JsonArrayBuilder created = Json.createArrayBuilder();
        ids.forEach(created::add);
        return Response.ok(
                        Json.createObjectBuilder()
                                .add(
                                        "@odata.context",
                                        apiUrl()
                                                + "/$metadata#Microsoft.Dynamics.CRM.CreateMultipleResponse")
                                .add("Ids", created)
                                .build())
                .build();
    }

    @DELETE
    @Path("api/data/v9.2/{set}({id})")
    public Response delete(
            @PathParam("set") String set,
            @PathParam("id") String id,
            @HeaderParam(BYPASS) String bypass,
            @HeaderParam("Authorization") String authorization) {
        DataverseTables.Table table = admit(set, authorization);
        String guid = guid(id);
        Optional<JsonObject> before = store.get(kind(table), guid);
        if (before.isEmpty() || !store.delete(kind(table), guid)) {
            return notFound(table.entity(), guid);
        }
        cascade(table, guid);
        raise(
                "Delete",
                table,
                guid,
                new Written(before.get(), null),
                JsonValue.EMPTY_JSON_OBJECT,
                bypass);
        return Response.noContent().build();
    }

    /**
     * POST $batch: multipart/mixed of application/http parts, each a POST or PATCH of a modelled
     * table, and change sets (nested multipart/mixed) that succeed or fail as one. At most 1000
     * requests. Answers multipart/mixed with one response per request, in order.
     */
    @POST
    @Path("api/data/v9.2/$batch")
    @Consumes("multipart/mixed")
    @Produces("multipart/mixed")
    public Response batch(
            String body,
            @HeaderParam("Content-Type") String contentType,
            @HeaderParam(BYPASS) String bypass,
            @HeaderParam("Authorization") String authorization) {
        authorize("$batch", authorization);
        batchBypass.set(bypass);
        batches.incrementAndGet();
        String boundary = ODataBatch.boundary(contentType);
        if (boundary == null) {
            return error(400, "0x80048d19", "The $batch request needs a multipart/mixed boundary.");
        }
        List<ODataBatch.Part> parts = ODataBatch.parse(body, boundary);
        long requests =
                parts.stream()
                        .mapToLong(p -> p.changeset() == null ? 1 : p.changeset().size())
                        .sum();
        if (requests > 1000) {
            return error(400, "0x80060891", "The maximum number of requests in a batch is 1000.");
        }
        // Dataverse counts each request of a $batch against its limits, not the $batch
        this.requests.addAndGet(Math.max(0, requests - 1));
        protect(Math.max(0, requests - 1));
        StringBuilder out = new StringBuilder();
        String responseBoundary = "batchresponse_" + UUID.randomUUID();
        for (ODataBatch.Part part : parts) {
            out.append("--").append(responseBoundary).append("\r\n");
            if (part.changeset() == null) {
                out.append(ODataBatch.httpPart(execute(part.request(), Map.of())));
            } else {
                out.append(changeset(part.changeset()));
            }
        }
        out.append("--").append(responseBoundary).append("--\r\n");
        return Response.ok(out.toString())
                .type("multipart/mixed; boundary=" + responseBoundary)
                .build();
    }

    /** A change set: every request, or none (the first failure undoes the others). */
    private String changeset(List<ODataBatch.Request> requests) {
        String boundary = "changesetresponse_" + UUID.randomUUID();
        List<Response> responses = new ArrayList<>();
        webhooks.defer();
        boolean committed = false;
        try {
            transactions.run(
                    () -> {
                        Map<String, String> ids = new HashMap<>();
                        for (ODataBatch.Request request : requests) {
                            Response response = execute(request, ids);
                            if (response.getStatus() >= 400) {
                                responses.clear();
                                responses.add(response);
                                throw new ChangesetFailed();
                            }
                            if (request.contentId() != null
                                    && response.getHeaderString("OData-EntityId") != null) {
                                ids.put(
                                        request.contentId(),
                                        response.getHeaderString("OData-EntityId"));
                            }
                            responses.add(response);
                        }
                    });
            committed = true;
        } catch (ChangesetFailed e) {
            return ODataBatch.httpPart(responses.get(0));
        } finally {
            webhooks.release(committed);
        }
        StringBuilder out =
                new StringBuilder(
                        "Content-Type: multipart/mixed; boundary=" + boundary + "\r\n\r\n");
        for (int i = 0; i < responses.size(); i++) {
            out.append("--").append(boundary).append("\r\n");
            if (requests.get(i).contentId() != null) {
                out.append("Content-ID: ").append(requests.get(i).contentId()).append("\r\n");
            }
            out.append(ODataBatch.httpPart(responses.get(i)));
        }
        return out.append("--").append(boundary).append("--\r\n").toString();
    }

    /** Rolls a change set back. */
    static final class ChangesetFailed extends RuntimeException {
        ChangesetFailed() {
            super(null, null, false, false);
        }
    }

    /** One request of a batch: POST {set}, PATCH {set}({id}) or PATCH $n. */
    private Response execute(ODataBatch.Request request, Map<String, String> contentIds) {
        String url = request.url();
        if (url.startsWith("$") && contentIds.containsKey(url.substring(1))) {
            url = contentIds.get(url.substring(1));
        }
        String path = url.replaceFirst("^.*?/api/data/v9\\.2/", "").replaceFirst("^/", "");
        Matcher row = Pattern.compile("^([a-z_]+)\\(([0-9a-fA-F-]{36})\\)$").matcher(path);
        Matcher set = Pattern.compile("^([a-z_]+)$").matcher(path);
        try {
            if ("POST".equals(request.method()) && set.matches()) {
                return doCreate(table(set.group(1)), set.group(1), request.body(), bypass(request));
            }
            if ("PATCH".equals(request.method()) && row.matches()) {
                return doUpsert(
                        table(row.group(1)),
                        row.group(1),
                        row.group(2),
                        request.body(),
                        request.headers().get("if-match"),
                        request.headers().get("if-none-match"),
                        bypass(request));
            }
        } catch (WebApplicationException e) {
            return e.getResponse();
        }
        return error(
                400,
                "0x80060888",
                "The sandbox's $batch takes POST {set} and PATCH {set}({id}); not "
                        + request.method()
                        + " "
                        + request.url());
    }

    /** A batch part's bypass header, else the batch's own. */
    private String bypass(ODataBatch.Request request) {
        String own = request.headers().get(BYPASS.toLowerCase(Locale.ROOT));
        return own != null ? own : batchBypass.get();
    }

    private DataverseTables.Table table(String set) {
        return tableOf(set)
                .orElseThrow(
                        () ->
                                new WebApplicationException(
                                        error(
                                                404,
                                                "0x8006088a",
                                                "Resource not found for the segment '"
                                                        + set
                                                        + "'.")));
    }

    /**
     * A stored row as the Web API returns it: $select applied, lookups as _x_value (+ the
     * lookuplogicalname annotation and the formatted value — the referenced row's primary name — if
     * asked).
     */
    private Map<String, JsonValue> project(
            JsonObject row, DataverseTables.Table table, String select, String prefer) {
        boolean annotate =
                prefer != null
                        && (prefer.contains("lookuplogicalname") || prefer.contains("\"*\""));
        boolean formatted =
                prefer != null
                        && (prefer.contains("OData.Community.Display.V1.FormattedValue")
                                || prefer.contains("\"*\""));
        Set<String> columns =
                select == null
                        ? null
                        : Arrays.stream(select.split(","))
                                .map(String::trim)
                                .collect(Collectors.toSet());
        Map<String, JsonValue> out = new LinkedHashMap<>();
        out.put(
                "@odata.etag",
                Json.createValue("W/\"" + row.getJsonNumber("versionnumber") + "\""));
        row.forEach(
                (column, value) -> {
                    if (column.endsWith("@Microsoft.Dynamics.CRM.lookuplogicalname")) {
                        return;
                    }
                    if ("authvalue".equals(column) && "serviceendpoint".equals(table.entity())) {
                        // write-only in Dataverse: only whether one is set can be read
                        out.put(
                                "isauthvalueset",
                                value.getValueType() == JsonValue.ValueType.STRING
                                        ? JsonValue.TRUE
                                        : JsonValue.FALSE);
                        out.put(column, JsonValue.NULL);
                        return;
                    }
                    if (columns == null
                            || columns.contains(column)
                            || column.equals(table.idColumn())) {
                        out.put(column, value);
                        JsonValue logical =
                                row.get(column + "@Microsoft.Dynamics.CRM.lookuplogicalname");
                        if (annotate && logical != null) {
                            out.put(column + "@Microsoft.Dynamics.CRM.lookuplogicalname", logical);
                        }
                        if (formatted
                                && logical instanceof JsonString entity
                                && value instanceof JsonString id) {
                            primaryName(entity.getString(), id.getString())
                                    .ifPresent(
                                            name ->
                                                    out.put(
                                                            column
                                                                    + "@OData.Community.Display.V1.FormattedValue",
                                                            Json.createValue(name)));
                        }
                    }
                });
        if (columns != null) {
            columns.stream()
                    .filter(c -> !out.containsKey(c))
                    .forEach(c -> out.put(c, JsonValue.NULL));
        }
        return out;
    }

    /**
     * The primary name of a row, as Dataverse formats a lookup to it: an account's name, a person's
     * full name (first and last name), else its name column.
     */
    private Optional<String> primaryName(String entity, String id) {
        return DataverseTables.byEntity(entity)
                .flatMap(t -> store.get(kind(t), id))
                .map(
                        r -> {
                            if (r.get("fullname") instanceof JsonString full
                                    && !full.getString().isBlank()) {
                                return full.getString();
                            }
                            if (r.containsKey("firstname") || r.containsKey("lastname")) {
                                return (r.getString("firstname", "")
                                                + " "
                                                + r.getString("lastname", ""))
                                        .trim();
                            }
                            return r.getString("name", "");
                        })
                .filter(n -> !n.isEmpty());
    }

    /**
     * Benchmark and demo data: {@code count} active rows of a person table (contacts or leads), ids
     * derived from {@code prefix} and the number (the same call makes the same rows), written in
     * transactions of 1000.
     *
     * @return the ids, in order
     */
    List<String> seed(String set, int count, String prefix, int statecode) {
        DataverseTables.Table table =
                tableOf(set).orElseThrow(() -> new NotFoundException("no table " + set));
        List<String> ids = new ArrayList<>(count);
        for (int from = 0; from < count; from += 1000) {
            int start = from;
            int end = Math.min(count, from + 1000);
            transactions.run(
                    () -> {
                        for (int i = start; i < end; i++) {
                            String guid =
                                    UUID.nameUUIDFromBytes(
                                                    (prefix + "/" + i)
                                                            .getBytes(
                                                                    java.nio.charset
                                                                            .StandardCharsets
                                                                            .UTF_8))
                                            .toString();
                            write(
                                    table,
                                    guid,
                                    Json.createObjectBuilder()
                                            .add("firstname", "Seed")
                                            .add("lastname", prefix + " " + i)
                                            // computed by Dataverse from first and last name
                                            .add("fullname", "Seed " + prefix + " " + i)
                                            .add("emailaddress1", prefix + "." + i + "@example.com")
                                            .add("address1_city", "Utrecht")
                                            .add("statecode", statecode)
                                            .build());
                            ids.add(guid);
                        }
                    });
        }
        return ids;
    }

    /** A row before and after a write (before is null for a new row, after for a deleted one). */
    record Written(JsonObject before, JsonObject after) {}

    /**
     * Writes the columns of a row. Columns of a solution ({@code sb_…}) must have been created
     * through the metadata API first, as in Dataverse; a new row gets the defaults of its table and
     * of its created columns.
     */
    private Written write(DataverseTables.Table table, String guid, JsonObject columns) {
        Optional<DataverseMetadata.Entity> entity = metadata.entity(table.entity());
        for (String column : columns.keySet()) {
            String name =
                    column.endsWith("@odata.bind")
                            ? column.substring(0, column.length() - "@odata.bind".length())
                            : column;
            if (name.startsWith("sb_")
                    && (entity.isEmpty() || !entity.get().attributes().containsKey(name))) {
                throw new WebApplicationException(
                        error(
                                400,
                                "0x80060888",
                                "The property '"
                                        + name
                                        + "' does not exist on type 'Microsoft.Dynamics.CRM."
                                        + table.entity()
                                        + "'. Make sure to only use property names that are defined by the type."));
            }
        }
        if ("sdkmessageprocessingstep".equals(table.entity())) {
            checkStep(columns);
        }
        columns.forEach(
                (column, value) -> {
                    if (column.endsWith("@odata.bind")) {
                        boundRowExists(value);
                    }
                });
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        JsonObject[] before = new JsonObject[1];
        JsonObject after =
                store.update(
                        kind(table),
                        guid,
                        current -> {
                            before[0] = current;
                            JsonObjectBuilder next;
                            if (current == null) {
                                next =
                                        Json.createObjectBuilder()
                                                .add(table.idColumn(), guid)
                                                .add("createdon", now);
                                table.defaults().forEach((k, v) -> next.add(k, value(v)));
                                entity.ifPresent(e -> defaults(e, next));
                                next.add("versionnumber", 0);
                            } else {
                                next = Json.createObjectBuilder(current);
                            }
                            columns.forEach(
                                    (column, value) -> {
                                        if (column.endsWith("@odata.bind")) {
                                            bind(
                                                    next,
                                                    column.substring(
                                                            0,
                                                            column.length()
                                                                    - "@odata.bind".length()),
                                                    value);
                                        } else if (!column.contains("@")
                                                && !Set.of(
                                                                "modifiedon",
                                                                "createdon",
                                                                "versionnumber",
                                                                table.idColumn())
                                                        .contains(column)) {
                                            next.add(column, value);
                                        }
                                    });
                            long version =
                                    current == null
                                            ? 1
                                            : current.getJsonNumber("versionnumber").longValue()
                                                    + 1;
                            next.add("versionnumber", version).add("modifiedon", now);
                            return next.build();
                        });
        return new Written(before[0], after);
    }

    /** The defaults of created columns: a Yes/No column's DefaultValue, a choice's default. */
    private static void defaults(DataverseMetadata.Entity entity, JsonObjectBuilder row) {
        entity.attributes()
                .forEach(
                        (name, attribute) -> {
                            JsonValue v = attribute.get("DefaultValue");
                            if (v != null
                                    && (v.getValueType() == JsonValue.ValueType.TRUE
                                            || v.getValueType() == JsonValue.ValueType.FALSE)) {
                                row.add(name, v);
                            } else if (attribute.containsKey("DefaultFormValue")) {
                                row.add(name, attribute.get("DefaultFormValue"));
                            }
                        });
    }

    /**
     * Dataverse refuses a step that cannot run: wrong stage, or asynchronous before the operation.
     */
    private static void checkStep(JsonObject columns) {
        int stage = columns.containsKey("stage") ? columns.getInt("stage") : 40;
        int mode = columns.containsKey("mode") ? columns.getInt("mode") : 0;
        if (!Set.of(10, 20, 40).contains(stage)) {
            throw new WebApplicationException(
                    error(400, "0x80040203", "Invalid stage " + stage + ": use 10, 20 or 40."));
        }
        if (mode == 1 && stage != 40) {
            throw new WebApplicationException(
                    error(
                            400,
                            "0x8004501c",
                            "Asynchronous steps can only be registered in the post-operation stage (40)."));
        }
    }

    /** Rows that go with a deleted one: lookups whose relationship cascades deletes. */
    private void cascade(DataverseTables.Table table, String guid) {
        for (String other : metadata.customTables()) {
            DataverseMetadata.Entity entity = metadata.entity(other).orElse(null);
            if (entity == null) {
                continue;
            }
            entity.attributes()
                    .forEach(
                            (name, attribute) -> {
                                if (!"Lookup".equals(attribute.getString("AttributeType", ""))
                                        || attribute.getJsonArray("Targets") == null
                                        || !attribute
                                                .getJsonArray("Targets")
                                                .getString(0)
                                                .equals(table.entity())) {
                                    return;
                                }
                                boolean delete =
                                        "Cascade".equals(attribute.getString("CascadeDelete", ""));
                                String kind = "dataverse." + other;
                                for (JsonObject row : store.all(kind)) {
                                    if (!guid.equals(row.getString("_" + name + "_value", ""))) {
                                        continue;
                                    }
                                    String id = row.getString(entity.primaryId());
                                    if (delete) {
                                        store.delete(kind, id);
                                    } else {
                                        store.update(
                                                kind,
                                                id,
                                                r ->
                                                        Json.createObjectBuilder(r)
                                                                .add(
                                                                        "_" + name + "_value",
                                                                        JsonValue.NULL)
                                                                .build());
                                    }
                                }
                            });
        }
    }

    /** Raises the webhooks of a change made through the Web API. */
    private void raise(
            String message,
            DataverseTables.Table table,
            String guid,
            Written written,
            JsonObject columns,
            String bypass) {
        if (DataverseWebhooks.bypassed(bypass)) {
            return;
        }
        Set<String> changed = new LinkedHashSet<>();
        columns.keySet().stream()
                .filter(c -> !c.startsWith("@"))
                .map(
                        c ->
                                c.endsWith("@odata.bind")
                                        ? lookupColumn(
                                                c.substring(0, c.length() - "@odata.bind".length()))
                                        : c)
                .filter(c -> !c.contains("@"))
                .forEach(changed::add);
        webhooks.changed(
                new DataverseWebhooks.Change(
                        message, table.entity(), guid, written.before(), written.after(), changed));
    }

    /** A $select naming a solution column nobody created is refused, as Dataverse does. */
    private void selectable(DataverseTables.Table table, String select) {
        if (select == null) {
            return;
        }
        Optional<DataverseMetadata.Entity> entity = metadata.entity(table.entity());
        for (String column : select.split(",")) {
            String name = column.trim().replaceAll("^_(.*)_value$", "$1");
            if (name.startsWith("sb_")
                    && (entity.isEmpty() || !entity.get().attributes().containsKey(name))) {
                throw new WebApplicationException(
                        error(
                                400,
                                "0x80060888",
                                "Could not find a property named '"
                                        + column.trim()
                                        + "' on type 'Microsoft.Dynamics.CRM."
                                        + table.entity()
                                        + "'."));
            }
        }
    }

    /**
     * A lookup bound to a row of a table the sandbox holds must name a row that exists: Dataverse
     * answers 404 "contact With Id = … Does Not Exist" and writes nothing.
     */
    private void boundRowExists(JsonValue target) {
        if (!(target instanceof JsonString path)) {
            return;
        }
        Matcher m = BIND_URI.matcher(path.getString());
        if (!m.matches()) {
            return;
        }
        Optional<DataverseTables.Table> bound = tableOf(m.group(1));
        String id = m.group(2).toLowerCase(Locale.ROOT);
        if (bound.isPresent() && store.get(kind(bound.get()), id).isEmpty()) {
            throw new WebApplicationException(notFound(bound.get().entity(), id));
        }
    }

    private static final Pattern BIND_URI =
            Pattern.compile("^/?(?:.*/)?([a-z_]+)\\(([0-9a-fA-F-]{36})\\)$");

    /**
     * "regardingobjectid_contact_task@odata.bind": "/contacts(id)" → _regardingobjectid_value = id,
     * with the target's logical name kept for the lookuplogicalname annotation.
     */
    private static void bind(JsonObjectBuilder row, String navigation, JsonValue target) {
        if (!(target instanceof JsonString path)) {
            throw new WebApplicationException(
                    error(400, "0x80048d19", "An @odata.bind value must be an entity URI."));
        }
        Matcher m = BIND_URI.matcher(path.getString());
        if (!m.matches()) {
            throw new WebApplicationException(
                    error(
                            400,
                            "0x80048d19",
                            "Cannot resolve the @odata.bind URI " + path.getString() + "."));
        }
        String column = lookupColumn(navigation);
        String entity = DataverseTables.entityOfSet(m.group(1));
        row.add("_" + column + "_value", m.group(2).toLowerCase(Locale.ROOT));
        row.add("_" + column + "_value@Microsoft.Dynamics.CRM.lookuplogicalname", entity);
    }

    /**
     * The lookup column a navigation property sets (regardingobjectid_contact_task →
     * regardingobjectid, parentcustomerid_account → parentcustomerid).
     */
    static String lookupColumn(String navigation) {
        String column = REGARDING.matcher(navigation).replaceFirst("");
        column = EVENT_HANDLER.matcher(column).replaceFirst("eventhandler");
        // a customer lookup (account or contact) reads back as one column
        return CUSTOMER.matcher(column).replaceFirst("$1");
    }

    private static final Pattern REGARDING =
            Pattern.compile("_(contact|lead|account|systemuser|team)_(task|email|phonecall)$");
    private static final Pattern EVENT_HANDLER = Pattern.compile("^eventhandler_serviceendpoint$");
    private static final Pattern CUSTOMER =
            Pattern.compile("^(parentcustomerid|customerid)_(account|contact)$");

    private static JsonValue value(Object v) {
        if (v instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Integer i) {
            return Json.createValue(i);
        }
        return Json.createValue(String.valueOf(v));
    }

    private static int pageSize(String prefer) {
        if (prefer != null) {
            Matcher m = Pattern.compile("odata\\.maxpagesize=(\\d+)").matcher(prefer);
            if (m.find()) {
                return Math.max(1, Math.min(5000, Integer.parseInt(m.group(1))));
            }
        }
        return 5000;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Counts the request, meets an injected fault, checks the bearer token. */
    private void authorize(String path, String authorization) {
        requests.incrementAndGet();
        Faults.Fault fault = faults.meet("*", path);
        if (fault != null) {
            Response.ResponseBuilder response =
                    Response.status(fault.status())
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(
                                    errorBody(
                                            "0x80072322",
                                            "sandbox fault injected: " + fault.status()));
            if (fault.retryAfter() != null) {
                response.header("Retry-After", fault.retryAfter());
            }
            throw new WebApplicationException(response.build());
        }
        String token =
                authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                        ? authorization.substring(7).trim()
                        : null;
        Instant expiry = token == null ? null : tokens.get(token);
        if (expiry == null || Instant.now().isAfter(expiry)) {
            throw new WebApplicationException(
                    Response.status(401)
                            .header(
                                    "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\", error_description=\""
                                            + (token == null
                                                    ? "no bearer token"
                                                    : "the token is unknown or expired")
                                            + "\", authorization_uri=\""
                                            + tokenUrl()
                                            + "\"")
                            .build());
        }
        protect(1);
    }

    /** D365's own table behind an entity set, or a table setup created. */
    Optional<DataverseTables.Table> tableOf(String set) {
        Optional<DataverseTables.Table> system = DataverseTables.bySet(set);
        if (system.isPresent()) {
            return system;
        }
        return metadata.customBySet(set).map(e -> DataverseTables.custom(set, e.logicalName()));
    }

    private DataverseTables.Table admit(String set, String authorization) {
        return admit(set, set, authorization);
    }

    /**
     * @param path what an injected fault's path is matched against (the entity set, or the set and
     *     its bound action)
     */
    private DataverseTables.Table admit(String set, String path, String authorization) {
        authorize(path, authorization);
        return tableOf(set)
                .orElseThrow(
                        () ->
                                new WebApplicationException(
                                        error(
                                                404,
                                                "0x8006088a",
                                                "Resource not found for the segment '"
                                                        + set
                                                        + "'.")));
    }

    /** The Web API's base as the caller reached it. */
    private String apiUrl() {
        return uri.getBaseUriBuilder().path("dataverse/api/data/v9.2").build().toString();
    }

    private String tokenUrl() {
        return uri.getBaseUriBuilder().path("dataverse/oauth2/v2.0/token").build().toString();
    }

    private String entityUri(String set, String guid) {
        return apiUrl() + "/" + set + "(" + guid + ")";
    }

    static String kind(DataverseTables.Table table) {
        return "dataverse." + table.entity();
    }

    private static String guid(String id) {
        String text = id.trim().toLowerCase(Locale.ROOT);
        try {
            return UUID.fromString(text).toString();
        } catch (IllegalArgumentException e) {
            throw new WebApplicationException(
                    error(
                            400,
                            "0x80060888",
                            "Bad Request - Error in query syntax: '" + id + "' is not a GUID."));
        }
    }

    private static JsonObject object(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body == null ? "" : body))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new WebApplicationException(
                    error(400, "0x80048d19", "Error identified in Payload provided by the user."));
        }
    }

    private static Response notFound(String entity, String guid) {
        return error(404, "0x80040217", entity + " With Id = " + guid + " Does Not Exist");
    }

    private static Response error(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(errorBody(code, message))
                .build();
    }

    private static JsonObject errorBody(String code, String message) {
        return Json.createObjectBuilder()
                .add("error", Json.createObjectBuilder().add("code", code).add("message", message))
                .build();
    }

    private static Response oauthError(int status, String error, String description) {
        String traceId =
                HexFormat.of()
                        .formatHex(
                                UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII),
                                0,
                                8);
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("error", error)
                                .add("error_description", description)
                                .add("trace_id", traceId)
                                .build())
                .build();
    }
}
