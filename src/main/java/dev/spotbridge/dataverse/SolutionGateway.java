package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.CallMeter;
import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.io.StringReader;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;

/**
 * What setup reads and writes in Dataverse, as the setup identity: the solution and its publisher,
 * table, column and choice definitions (metadata API, each created into the solution), the import
 * and publishing of the solution's XML parts, the webhook service endpoint, its steps and images.
 * Dataverse's shapes do not leave this class: it answers records of its own.
 */
@ApplicationScoped
@Retry(
        maxRetries = 2,
        delay = 1000,
        jitter = 500,
        abortOn = {DataverseRejectedException.class, DataverseThrottledException.class})
@Timeout(value = 300, unit = ChronoUnit.SECONDS)
public class SolutionGateway {

    @jakarta.inject.Inject dev.spotbridge.tracing.Tracing tracing;

    /** serviceendpoint.contract of a webhook. */
    public static final int WEBHOOK = 8;

    /** serviceendpoint.authtype: the key in an HTTP header. */
    public static final int HTTP_HEADER = 5;

    /** The header Dataverse sends the webhook key in. */
    public static final String KEY_HEADER = "x-spotbridge-key";

    private static final int LANGUAGE = 1033;

    private static final Pattern ENTITY_ID = Pattern.compile("\\(([0-9a-fA-F-]{36})\\)\\s*$");

    @Inject SetupTokens tokens;

    @Inject
    @ConfigProperty(name = "dataverse.api.url")
    Optional<String> url;

    @Inject SyncMetrics metrics;

    private CallMeter calls;

    private SetupClient client;

    /** The solution and its version, as Dataverse holds them. */
    public record SolutionRow(String id, String version, String description, boolean managed) {}

    /** A global choice: its metadata id and option values. */
    public record ChoiceDefinition(String metadataId, Set<Integer> values) {}

    /** A table: its entity set and its columns with their AttributeType (String, Lookup, …). */
    public record TableDefinition(
            String logicalName, String entitySet, Map<String, String> attributeTypes) {}

    /** The webhook service endpoint; its key cannot be read back, only whether one is set. */
    public record Endpoint(
            String id, String name, String url, int authType, boolean keySet, String description) {}

    /** A registered step. */
    public record Step(
            String id,
            String name,
            String messageId,
            String filterId,
            int stage,
            int mode,
            String filteringAttributes,
            boolean enabled) {}

    /** An image of a step. */
    public record Image(
            String id, String alias, int imageType, String attributes, String messageProperty) {}

    /** A main form of a table. */
    /** A main form: its id, name and FormXml (the {@code <form>} element, as text). */
    public record Form(String id, String name, String formXml) {}

    /** What a step is to be: creating and updating take the same. */
    public record StepRow(
            String name,
            String messageId,
            String filterId,
            String endpointId,
            String filteringAttributes) {}

    @PostConstruct
    void connect() {
        calls = new CallMeter(metrics, "dataverse-setup");
        String base = url.orElseThrow();
        client =
                DataverseGateway.client(
                        SetupClient.class,
                        base,
                        280,
                        calls,
                        tracing.clientSpans("dataverse-setup"));
    }

    @PreDestroy
    void close() {
        DataverseGateway.close(client);
    }

    // ---- publisher and solution

    public Optional<String> publisherId(String uniqueName) {
        return first("publishers", "publisherid", "uniquename eq '" + literal(uniqueName) + "'")
                .map(row -> row.getString("publisherid"));
    }

    public String createPublisher(
            String uniqueName, String displayName, String prefix, int optionValuePrefix) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("uniquename", uniqueName)
                        .add("friendlyname", displayName)
                        .add("customizationprefix", prefix)
                        .add("customizationoptionvalueprefix", optionValuePrefix)
                        .build();
        return created("POST publishers", b -> client.post("publishers", body, null, b));
    }

    public Optional<SolutionRow> solution(String uniqueName) {
        return first(
                        "solutions",
                        "solutionid,version,description,ismanaged",
                        "uniquename eq '" + literal(uniqueName) + "'")
                .map(
                        row ->
                                new SolutionRow(
                                        row.getString("solutionid"),
                                        row.getString("version", ""),
                                        row.get("description") instanceof JsonString s
                                                ? s.getString()
                                                : "",
                                        row.getBoolean("ismanaged", false)));
    }

    public String createSolution(
            String uniqueName,
            String displayName,
            String version,
            String description,
            String publisherId) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("uniquename", uniqueName)
                        .add("friendlyname", displayName)
                        .add("version", version)
                        .add("description", description)
                        .add("publisherid@odata.bind", "/publishers(" + publisherId + ")")
                        .build();
        return created("POST solutions", b -> client.post("solutions", body, null, b));
    }

    public void updateSolution(String id, String version, String description) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("version", version)
                        .add("description", description)
                        .build();
        send("PATCH solutions(" + id + ")", b -> client.patch("solutions(" + id + ")", body, b))
                .close();
    }

    /** Puts a component created outside the solution (a step, the endpoint) into it. */
    public void addToSolution(String solution, String componentId, int componentType) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("ComponentId", componentId)
                        .add("ComponentType", componentType)
                        .add("SolutionUniqueName", solution)
                        .add("AddRequiredComponents", false)
                        .build();
        send("AddSolutionComponent", b -> client.post("AddSolutionComponent", body, null, b))
                .close();
    }

    // ---- choices, tables, columns

    public Optional<ChoiceDefinition> choice(String name) {
        Response response =
                sendOrMissing(
                        "GET GlobalOptionSetDefinitions(Name='" + name + "')",
                        b ->
                                client.get(
                                        "GlobalOptionSetDefinitions(Name='" + name + "')",
                                        null,
                                        null,
                                        null,
                                        b));
        if (response == null) {
            return Optional.empty();
        }
        JsonObject json = DataverseGateway.read(response);
        Set<Integer> values = new LinkedHashSet<>();
        json.getJsonArray("Options").forEach(o -> values.add(o.asJsonObject().getInt("Value")));
        return Optional.of(new ChoiceDefinition(json.getString("MetadataId"), values));
    }

    public void createChoice(
            String solution,
            String name,
            String label,
            String description,
            Map<Integer, String> options) {
        JsonArrayBuilder list = Json.createArrayBuilder();
        options.forEach(
                (value, text) ->
                        list.add(
                                Json.createObjectBuilder()
                                        .add("Value", value)
                                        .add("Label", label(text))));
        JsonObject body =
                Json.createObjectBuilder()
                        .add("@odata.type", "Microsoft.Dynamics.CRM.OptionSetMetadata")
                        .add("Name", name)
                        .add("DisplayName", label(label))
                        .add("Description", label(description))
                        .add("OptionSetType", "Picklist")
                        .add("IsGlobal", true)
                        .add("Options", list)
                        .build();
        send(
                        "POST GlobalOptionSetDefinitions " + name,
                        b -> client.post("GlobalOptionSetDefinitions", body, solution, b))
                .close();
    }

    /** Adds an option a choice lacks (InsertOptionValue). */
    public void insertOption(String solution, String choice, int value, String text) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("OptionSetName", choice)
                        .add("Value", value)
                        .add("Label", label(text))
                        .add("SolutionUniqueName", solution)
                        .build();
        send(
                        "InsertOptionValue " + choice + " " + value,
                        b -> client.post("InsertOptionValue", body, solution, b))
                .close();
    }

    public Optional<TableDefinition> table(String logicalName) {
        String resource = "EntityDefinitions(LogicalName='" + logicalName + "')";
        Response response =
                sendOrMissing(
                        "GET " + resource,
                        b -> client.get(resource, "LogicalName,EntitySetName", null, null, b));
        if (response == null) {
            return Optional.empty();
        }
        String entitySet = DataverseGateway.read(response).getString("EntitySetName");
        JsonObject attributes =
                DataverseGateway.read(
                        send(
                                "GET " + resource + "/Attributes",
                                b ->
                                        client.getUnder(
                                                resource,
                                                "Attributes",
                                                "LogicalName,AttributeType",
                                                null,
                                                b)));
        Map<String, String> types = new LinkedHashMap<>();
        attributes
                .getJsonArray("value")
                .forEach(
                        a ->
                                types.put(
                                        a.asJsonObject().getString("LogicalName"),
                                        a.asJsonObject().getString("AttributeType", "")));
        return Optional.of(new TableDefinition(logicalName, entitySet, types));
    }

    /** Creates a table with its primary name column. */
    public void createTable(
            String solution,
            String name,
            String label,
            String plural,
            String description,
            String ownership,
            String primaryName,
            String primaryNameLabel,
            int primaryNameLength) {
        JsonObject primary =
                Json.createObjectBuilder()
                        .add("@odata.type", "Microsoft.Dynamics.CRM.StringAttributeMetadata")
                        .add("AttributeType", "String")
                        .add(
                                "AttributeTypeName",
                                Json.createObjectBuilder().add("Value", "StringType"))
                        .add("SchemaName", primaryName)
                        .add("IsPrimaryName", true)
                        .add("MaxLength", primaryNameLength)
                        .add("FormatName", Json.createObjectBuilder().add("Value", "Text"))
                        .add("RequiredLevel", required("None"))
                        .add("DisplayName", label(primaryNameLabel))
                        .add("Description", label(primaryNameLabel))
                        .build();
        JsonObject body =
                Json.createObjectBuilder()
                        .add("@odata.type", "Microsoft.Dynamics.CRM.EntityMetadata")
                        .add("SchemaName", name)
                        .add("DisplayName", label(label))
                        .add("DisplayCollectionName", label(plural))
                        .add("Description", label(description))
                        .add("OwnershipType", ownership)
                        .add("IsActivity", false)
                        .add("HasActivities", false)
                        .add("HasNotes", false)
                        .add("Attributes", Json.createArrayBuilder().add(primary))
                        .build();
        send(
                        "POST EntityDefinitions " + name,
                        b -> client.post("EntityDefinitions", body, solution, b))
                .close();
    }

    /**
     * Creates a column that is not a lookup.
     *
     * @param type text, memo, integer, boolean, datetime or choice
     * @param choiceMetadataId the global choice of a choice column
     */
    public void createColumn(
            String solution,
            String table,
            String name,
            String type,
            String label,
            String description,
            Integer maxLength,
            JsonValue defaultValue,
            String choiceMetadataId) {
        JsonObjectBuilder body =
                Json.createObjectBuilder()
                        .add("SchemaName", name)
                        .add("DisplayName", label(label))
                        .add("Description", label(description))
                        .add("RequiredLevel", required("None"));
        switch (type) {
            case "text" ->
                    body.add("@odata.type", "Microsoft.Dynamics.CRM.StringAttributeMetadata")
                            .add("AttributeType", "String")
                            .add("MaxLength", maxLength == null ? 100 : maxLength)
                            .add("FormatName", Json.createObjectBuilder().add("Value", "Text"));
            case "memo" ->
                    body.add("@odata.type", "Microsoft.Dynamics.CRM.MemoAttributeMetadata")
                            .add("AttributeType", "Memo")
                            .add("MaxLength", maxLength == null ? 2000 : maxLength)
                            .add("Format", "TextArea");
            case "integer" ->
                    body.add("@odata.type", "Microsoft.Dynamics.CRM.IntegerAttributeMetadata")
                            .add("AttributeType", "Integer")
                            .add("Format", "None")
                            .add("MinValue", Integer.MIN_VALUE)
                            .add("MaxValue", Integer.MAX_VALUE);
            case "boolean" ->
                    body.add("@odata.type", "Microsoft.Dynamics.CRM.BooleanAttributeMetadata")
                            .add("AttributeType", "Boolean")
                            .add("DefaultValue", JsonValue.TRUE.equals(defaultValue))
                            .add(
                                    "OptionSet",
                                    Json.createObjectBuilder()
                                            .add(
                                                    "TrueOption",
                                                    Json.createObjectBuilder()
                                                            .add("Value", 1)
                                                            .add("Label", label("Yes")))
                                            .add(
                                                    "FalseOption",
                                                    Json.createObjectBuilder()
                                                            .add("Value", 0)
                                                            .add("Label", label("No")))
                                            .add("OptionSetType", "Boolean"));
            case "datetime" ->
                    body.add("@odata.type", "Microsoft.Dynamics.CRM.DateTimeAttributeMetadata")
                            .add("AttributeType", "DateTime")
                            .add("Format", "DateAndTime")
                            .add(
                                    "DateTimeBehavior",
                                    Json.createObjectBuilder().add("Value", "UserLocal"));
            case "choice" -> {
                body.add("@odata.type", "Microsoft.Dynamics.CRM.PicklistAttributeMetadata")
                        .add("AttributeType", "Picklist")
                        .add(
                                "GlobalOptionSet@odata.bind",
                                "/GlobalOptionSetDefinitions(" + choiceMetadataId + ")");
                if (defaultValue != null
                        && defaultValue.getValueType() == JsonValue.ValueType.NUMBER) {
                    body.add("DefaultFormValue", defaultValue);
                }
            }
            default -> throw new IllegalArgumentException("no column type " + type);
        }
        JsonObject json = body.build();
        String resource = "EntityDefinitions(LogicalName='" + table + "')";
        send(
                        "POST " + resource + "/Attributes " + name,
                        b -> client.postUnder(resource, "Attributes", json, solution, b))
                .close();
    }

    /** Creates a lookup column: a one-to-many relationship from the target to the table. */
    public void createLookup(
            String solution,
            String table,
            String name,
            String target,
            String label,
            String description,
            boolean deleteWithTarget) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("@odata.type", "Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata")
                        .add("SchemaName", "sb_" + target + "_" + table + "_" + name)
                        .add("ReferencedEntity", target)
                        .add("ReferencedAttribute", target + "id")
                        .add("ReferencingEntity", table)
                        .add(
                                "CascadeConfiguration",
                                Json.createObjectBuilder()
                                        .add("Assign", "NoCascade")
                                        .add("Delete", deleteWithTarget ? "Cascade" : "RemoveLink")
                                        .add("Merge", "NoCascade")
                                        .add("Reparent", "NoCascade")
                                        .add("Share", "NoCascade")
                                        .add("Unshare", "NoCascade"))
                        .add(
                                "Lookup",
                                Json.createObjectBuilder()
                                        .add("AttributeType", "Lookup")
                                        .add(
                                                "AttributeTypeName",
                                                Json.createObjectBuilder()
                                                        .add("Value", "LookupType"))
                                        .add("SchemaName", name)
                                        .add("DisplayName", label(label))
                                        .add("Description", label(description))
                                        .add("RequiredLevel", required("None")))
                        .build();
        send(
                        "POST RelationshipDefinitions " + table + "." + name,
                        b -> client.post("RelationshipDefinitions", body, solution, b))
                .close();
    }

    // ---- security roles

    /** A security role of the root business unit: its id and privileges by name, with depth. */
    public record Role(String id, String name, Map<String, String> privileges) {}

    /** The application user of an app registration, and the names of its roles. */
    public record AppUser(String id, String name, Map<String, String> roles) {}

    /** The org's root business unit, where Spotbridge's roles live. */
    public String rootBusinessUnit() {
        return first("businessunits", "businessunitid", "_parentbusinessunitid_value eq null")
                .map(r -> r.getString("businessunitid"))
                .orElseThrow(
                        () -> new DataverseRejectedException("the org has no root business unit"));
    }

    /** The role of this name in the business unit, with its privileges. */
    public Optional<Role> role(String name, String businessUnit) {
        Optional<JsonObject> row =
                first(
                        "roles",
                        "roleid,name",
                        "name eq '"
                                + literal(name)
                                + "' and _businessunitid_value eq "
                                + businessUnit);
        if (row.isEmpty()) {
            return Optional.empty();
        }
        String id = row.get().getString("roleid");
        JsonObject answer =
                DataverseGateway.read(
                        send(
                                "RetrieveRolePrivilegesRole " + name,
                                b ->
                                        client.getUnder(
                                                "roles(" + id + ")",
                                                "Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRole()",
                                                null,
                                                null,
                                                b)));
        Map<String, String> privileges = new TreeMap<>();
        for (JsonObject p : answer.getJsonArray("RolePrivileges").getValuesAs(JsonObject.class)) {
            privileges.put(p.getString("PrivilegeName", ""), p.getString("Depth", ""));
        }
        return Optional.of(new Role(id, name, privileges));
    }

    /** Creates a role in the business unit, into the solution. */
    public String createRole(
            String solution, String name, String description, String businessUnit) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", name)
                        .add("description", description)
                        .add("businessunitid@odata.bind", "/businessunits(" + businessUnit + ")")
                        .build();
        return created("POST roles " + name, b -> client.post("roles", body, solution, b));
    }

    /** The privilege ids of these privilege names; a name Dataverse does not know is missing. */
    public Map<String, String> privilegeIds(Collection<String> names) {
        Map<String, String> ids = new HashMap<>();
        List<String> all = new ArrayList<>(names);
        for (int from = 0; from < all.size(); from += 20) {
            String filter =
                    all.subList(from, Math.min(all.size(), from + 20)).stream()
                            .map(n -> "name eq '" + literal(n) + "'")
                            .collect(Collectors.joining(" or "));
            rows("privileges", "privilegeid,name", filter)
                    .forEach(r -> ids.put(r.getString("name"), r.getString("privilegeid")));
        }
        return ids;
    }

    /**
     * Gives the role exactly these privileges (ReplacePrivilegesRole): privilege id → depth (Basic,
     * Local, Deep, Global).
     */
    public void replacePrivileges(String roleId, String businessUnit, Map<String, String> depths) {
        JsonArrayBuilder privileges = Json.createArrayBuilder();
        depths.forEach(
                (id, depth) ->
                        privileges.add(
                                Json.createObjectBuilder()
                                        .add("Depth", depth)
                                        .add("PrivilegeId", id)
                                        .add("BusinessUnitId", businessUnit)));
        JsonObject body = Json.createObjectBuilder().add("Privileges", privileges).build();
        send(
                        "ReplacePrivilegesRole",
                        b ->
                                client.postUnder(
                                        "roles(" + roleId + ")",
                                        "Microsoft.Dynamics.CRM.ReplacePrivilegesRole",
                                        body,
                                        null,
                                        b))
                .close();
    }

    /** The application user of an app registration (client id), with its roles. */
    public Optional<AppUser> applicationUser(String clientId) {
        JsonObject answer =
                DataverseGateway.read(
                        send(
                                "GET systemusers of application " + clientId,
                                b ->
                                        client.get(
                                                "systemusers",
                                                "systemuserid,fullname",
                                                "applicationid eq " + literal(clientId),
                                                "systemuserroles_association($select=roleid,name)",
                                                b)));
        return answer.getJsonArray("value").getValuesAs(JsonObject.class).stream()
                .findFirst()
                .map(
                        u -> {
                            Map<String, String> roles = new TreeMap<>();
                            u.getJsonArray("systemuserroles_association")
                                    .getValuesAs(JsonObject.class)
                                    .forEach(
                                            r ->
                                                    roles.put(
                                                            r.getString("roleid"),
                                                            r.getString("name", "")));
                            return new AppUser(
                                    u.getString("systemuserid"),
                                    u.getString("fullname", ""),
                                    roles);
                        });
    }

    /** Gives a user a role. */
    public void assignRole(String userId, String roleId) {
        JsonObject reference =
                Json.createObjectBuilder().add("@odata.id", "roles(" + roleId + ")").build();
        send(
                        "associate systemusers(" + userId + ") with roles(" + roleId + ")",
                        b ->
                                client.associate(
                                        "systemusers(" + userId + ")",
                                        "systemuserroles_association",
                                        reference,
                                        b))
                .close();
    }

    // ---- the XML parts

    /** The main forms of a table (systemforms of type 2). */
    public List<Form> mainForms(String table) {
        List<Form> forms = new ArrayList<>();
        rows(
                        "systemforms",
                        "formid,name,formxml",
                        "objecttypecode eq '" + table + "' and type eq 2")
                .forEach(
                        r ->
                                forms.add(
                                        new Form(
                                                r.getString("formid"),
                                                r.getString("name", ""),
                                                r.getString("formxml", ""))));
        return forms;
    }

    /** Imports a solution zip (ImportSolution, synchronous). */
    public void importSolution(byte[] zip, String importJobId) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("OverwriteUnmanagedCustomizations", false)
                        .add("PublishWorkflows", false)
                        .add("ImportJobId", importJobId)
                        .add("CustomizationFile", Base64.getEncoder().encodeToString(zip))
                        .build();
        send("ImportSolution", b -> client.post("ImportSolution", body, null, b)).close();
    }

    /** Publishes the customizations of these tables and web resources (PublishXml). */
    public void publish(List<String> tables, List<String> webResourceIds) {
        StringBuilder xml = new StringBuilder("<importexportxml><entities>");
        tables.forEach(t -> xml.append("<entity>").append(t).append("</entity>"));
        xml.append("</entities><webresources>");
        webResourceIds.forEach(
                w -> xml.append("<webresource>{").append(w).append("}</webresource>"));
        xml.append("</webresources></importexportxml>");
        JsonObject body = Json.createObjectBuilder().add("ParameterXml", xml.toString()).build();
        send("PublishXml", b -> client.post("PublishXml", body, null, b)).close();
    }

    /** A web resource's content (base64), by name. */
    public Optional<String> webResourceContent(String name) {
        return first("webresourceset", "webresourceid,content", "name eq '" + literal(name) + "'")
                .map(r -> r.getString("content", ""));
    }

    /** Whether a view (saved query) with this id exists. */
    public boolean viewExists(String id) {
        return !rows("savedqueries", "savedqueryid", "savedqueryid eq " + id).isEmpty();
    }

    // ---- the webhook

    public Optional<Endpoint> endpoint(String name) {
        List<JsonObject> found =
                rows(
                        "serviceendpoints",
                        "serviceendpointid,name,url,authtype,isauthvalueset,description",
                        "contract eq " + WEBHOOK + " and name eq '" + literal(name) + "'");
        if (found.size() > 1) {
            throw new DataverseRejectedException(
                    found.size()
                            + " webhook service endpoints are named '"
                            + name
                            + "': delete all but one");
        }
        return found.stream()
                .findFirst()
                .map(
                        r ->
                                new Endpoint(
                                        r.getString("serviceendpointid"),
                                        r.getString("name"),
                                        r.getString("url", ""),
                                        r.getInt("authtype", 0),
                                        r.getBoolean("isauthvalueset", false),
                                        r.getString("description", "")));
    }

    /**
     * Creates the endpoint, or sets its URL and key; the key goes in the x-spotbridge-key header.
     */
    public String saveEndpoint(String id, String name, String url, String key) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add("name", name)
                        .add("description", "Spotbridge webhook; key " + keyFingerprint(key))
                        .add("url", url)
                        .add("contract", WEBHOOK)
                        .add("connectionmode", 1)
                        .add("messageformat", 2)
                        .add("userclaim", 1)
                        .add("authtype", HTTP_HEADER)
                        .add(
                                "authvalue",
                                "<settings><setting name=\""
                                        + KEY_HEADER
                                        + "\" value=\""
                                        + xml(key)
                                        + "\" /></settings>")
                        .build();
        if (id == null) {
            return created(
                    "POST serviceendpoints", b -> client.post("serviceendpoints", body, null, b));
        }
        send(
                        "PATCH serviceendpoints(" + id + ")",
                        b -> client.patch("serviceendpoints(" + id + ")", body, b))
                .close();
        return id;
    }

    /**
     * What identifies a key without showing it (the first 12 hex digits of its SHA-256): kept in
     * the endpoint's description, since Dataverse never gives the key back.
     */
    public static String keyFingerprint(String key) {
        try {
            byte[] hash =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<String> messageId(String message) {
        return first("sdkmessages", "sdkmessageid", "name eq '" + literal(message) + "'")
                .map(r -> r.getString("sdkmessageid"));
    }

    public Optional<String> filterId(String messageId, String table) {
        return first(
                        "sdkmessagefilters",
                        "sdkmessagefilterid",
                        "_sdkmessageid_value eq "
                                + messageId
                                + " and primaryobjecttypecode eq '"
                                + literal(table)
                                + "'")
                .map(r -> r.getString("sdkmessagefilterid"));
    }

    /** The steps registered on the endpoint. */
    public List<Step> steps(String endpointId) {
        List<Step> steps = new ArrayList<>();
        rows(
                        "sdkmessageprocessingsteps",
                        "sdkmessageprocessingstepid,name,stage,mode,filteringattributes,statecode,"
                                + "_sdkmessageid_value,_sdkmessagefilterid_value",
                        "_eventhandler_value eq " + endpointId)
                .forEach(
                        r ->
                                steps.add(
                                        new Step(
                                                r.getString("sdkmessageprocessingstepid"),
                                                r.getString("name", ""),
                                                text(r, "_sdkmessageid_value"),
                                                text(r, "_sdkmessagefilterid_value"),
                                                r.getInt("stage", 0),
                                                r.getInt("mode", 0),
                                                text(r, "filteringattributes"),
                                                r.getInt("statecode", 0) == 0)));
        return steps;
    }

    /** Creates an asynchronous post-operation step, or brings one back to that and enables it. */
    public String saveStep(String id, StepRow step) {
        JsonObjectBuilder body =
                Json.createObjectBuilder()
                        .add("name", step.name())
                        .add("description", step.name())
                        .add("stage", 40)
                        .add("mode", 1)
                        .add("rank", 1)
                        .add("supporteddeployment", 0)
                        .add("asyncautodelete", true)
                        .add("statecode", 0)
                        .add("statuscode", 1)
                        .add(
                                "filteringattributes",
                                step.filteringAttributes() == null
                                        ? JsonValue.NULL
                                        : Json.createValue(step.filteringAttributes()))
                        .add(
                                "eventhandler_serviceendpoint@odata.bind",
                                "/serviceendpoints(" + step.endpointId() + ")")
                        .add("sdkmessageid@odata.bind", "/sdkmessages(" + step.messageId() + ")")
                        .add(
                                "sdkmessagefilterid@odata.bind",
                                "/sdkmessagefilters(" + step.filterId() + ")");
        JsonObject json = body.build();
        if (id == null) {
            return created(
                    "POST sdkmessageprocessingsteps " + step.name(),
                    b -> client.post("sdkmessageprocessingsteps", json, null, b));
        }
        send(
                        "PATCH sdkmessageprocessingsteps(" + id + ")",
                        b -> client.patch("sdkmessageprocessingsteps(" + id + ")", json, b))
                .close();
        return id;
    }

    /** Disables a step (statecode 1, statuscode 2): Dataverse stops calling it. */
    public void disableStep(String id) {
        JsonObject body =
                Json.createObjectBuilder().add("statecode", 1).add("statuscode", 2).build();
        send(
                        "PATCH sdkmessageprocessingsteps(" + id + ")",
                        b -> client.patch("sdkmessageprocessingsteps(" + id + ")", body, b))
                .close();
    }

    public List<Image> images(String stepId) {
        List<Image> images = new ArrayList<>();
        rows(
                        "sdkmessageprocessingstepimages",
                        "sdkmessageprocessingstepimageid,entityalias,imagetype,attributes,messagepropertyname",
                        "_sdkmessageprocessingstepid_value eq " + stepId)
                .forEach(
                        r ->
                                images.add(
                                        new Image(
                                                r.getString("sdkmessageprocessingstepimageid"),
                                                r.getString("entityalias", ""),
                                                r.getInt("imagetype", -1),
                                                text(r, "attributes"),
                                                text(r, "messagepropertyname"))));
        return images;
    }

    public void saveImage(
            String id,
            String stepId,
            String alias,
            int imageType,
            String attributes,
            String property) {
        JsonObject body =
                Json.createObjectBuilder()
                        .add(
                                "sdkmessageprocessingstepid@odata.bind",
                                "/sdkmessageprocessingsteps(" + stepId + ")")
                        .add("imagetype", imageType)
                        .add("name", alias)
                        .add("entityalias", alias)
                        .add("messagepropertyname", property)
                        .add("attributes", attributes)
                        .build();
        if (id == null) {
            created(
                    "POST sdkmessageprocessingstepimages " + alias,
                    b -> client.post("sdkmessageprocessingstepimages", body, null, b));
        } else {
            send(
                            "PATCH sdkmessageprocessingstepimages(" + id + ")",
                            b ->
                                    client.patch(
                                            "sdkmessageprocessingstepimages(" + id + ")", body, b))
                    .close();
        }
    }

    // ---- plumbing

    private Optional<JsonObject> first(String set, String select, String filter) {
        return rows(set, select, filter).stream().findFirst();
    }

    private List<JsonObject> rows(String set, String select, String filter) {
        JsonObject answer =
                DataverseGateway.read(
                        send(
                                "GET " + set + "?$filter=" + filter,
                                b -> client.get(set, select, filter, null, b)));
        return answer.getJsonArray("value").getValuesAs(JsonObject.class);
    }

    /** Sends a create and answers the id of what it created (from OData-EntityId). */
    private String created(String what, Function<String, Response> request) {
        Response response = send(what, request);
        String location = response.getHeaderString("OData-EntityId");
        response.close();
        Matcher m = location == null ? null : ENTITY_ID.matcher(location);
        if (m == null || !m.find()) {
            throw new DataverseRejectedException(what + ": no OData-EntityId in the answer");
        }
        return m.group(1).toLowerCase();
    }

    private Response send(String what, Function<String, Response> request) {
        Response response = exchange(what, request);
        if (response.getStatus() == 404) {
            throw rejected(what, response);
        }
        return response;
    }

    /** The answer, or null on 404. */
    private Response sendOrMissing(String what, Function<String, Response> request) {
        Response response = exchange(what, request);
        if (response.getStatus() == 404) {
            response.close();
            return null;
        }
        return response;
    }

    private Response exchange(String what, Function<String, Response> request) {
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
        int status = response.getStatus();
        if ((status >= 200 && status < 300) || status == 404) {
            return response;
        }
        if (status == 429 || status >= 500) {
            String body = DataverseGateway.body(response);
            throw new DataverseUnavailableException(what + ": " + status + " " + message(body));
        }
        throw rejected(what, response);
    }

    private static DataverseRejectedException rejected(String what, Response response) {
        int status = response.getStatus();
        return new DataverseRejectedException(
                what + ": " + status + " " + message(DataverseGateway.body(response)));
    }

    /** Dataverse's error message ({"error":{"code","message"}}), else the body's start. */
    private static String message(String body) {
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            JsonObject error = reader.readObject().getJsonObject("error");
            return error.getString("message", "") + " (" + error.getString("code", "") + ")";
        } catch (RuntimeException e) {
            return body.length() > 300 ? body.substring(0, 300) : body;
        }
    }

    private static String text(JsonObject row, String column) {
        return row.get(column) instanceof JsonString s ? s.getString() : null;
    }

    private static String literal(String text) {
        return text.replace("'", "''");
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("\"", "&quot;")
                .replace("<", "&lt;")
                .replace(">", "&gt;");
    }

    private static JsonObject label(String text) {
        return Json.createObjectBuilder()
                .add("@odata.type", "Microsoft.Dynamics.CRM.Label")
                .add(
                        "LocalizedLabels",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add(
                                                        "@odata.type",
                                                        "Microsoft.Dynamics.CRM.LocalizedLabel")
                                                .add("Label", text == null ? "" : text)
                                                .add("LanguageCode", LANGUAGE)))
                .build();
    }

    private static JsonObject required(String level) {
        return Json.createObjectBuilder()
                .add("Value", level)
                .add("CanBeChanged", true)
                .add("ManagedPropertyLogicalName", "canmodifyrequirementlevelsettings")
                .build();
    }
}
