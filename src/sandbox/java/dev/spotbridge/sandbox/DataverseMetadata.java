package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox org's metadata: D365's own tables with the columns this sandbox models, and the
 * tables, columns and global choices a caller created through the metadata API (a solution's {@code
 * sb_} components exist only once created). Custom definitions live in the sandboxes' database.
 */
@ApplicationScoped
public class DataverseMetadata {

    static final String ENTITY = "dataverse.meta.entity";
    static final String ATTRIBUTE = "dataverse.meta.attribute";
    static final String OPTION_SET = "dataverse.meta.optionset";

    private static final String ADDRESS =
            " address1_line1:String address1_line2:String address1_postalcode:String"
                    + " address1_city:String address1_country:String";

    private static final String RECORD =
            " emailaddress1:String telephone1:String donotbulkemail:Boolean donotemail:Boolean"
                    + " statecode:State statuscode:Status ownerid:Owner createdon:DateTime"
                    + " modifiedon:DateTime versionnumber:BigInt"
                    + ADDRESS;

    private static final String ACTIVITY =
            "activityid:Uniqueidentifier subject:String description:Memo regardingobjectid:Lookup"
                    + " ownerid:Owner statecode:State statuscode:Status scheduledend:DateTime"
                    + " actualend:DateTime directioncode:Boolean createdon:DateTime modifiedon:DateTime";

    /** D365's own tables: logical name → columns with their AttributeType. */
    private static final Map<String, String> SYSTEM =
            Map.ofEntries(
                    Map.entry(
                            "contact",
                            "contactid:Uniqueidentifier firstname:String middlename:String"
                                    + " lastname:String fullname:String mobilephone:String"
                                    + " gendercode:Picklist birthdate:DateTime"
                                    + " parentcustomerid:Customer"
                                    + RECORD),
                    Map.entry(
                            "lead",
                            "leadid:Uniqueidentifier firstname:String middlename:String"
                                    + " lastname:String fullname:String companyname:String"
                                    + " subject:String mobilephone:String"
                                    + RECORD),
                    Map.entry("account", "accountid:Uniqueidentifier name:String" + RECORD),
                    Map.entry(
                            "list",
                            "listid:Uniqueidentifier listname:String type:Boolean query:Memo"
                                    + " createdfromcode:Picklist statecode:State statuscode:Status"
                                    + " ownerid:Owner modifiedon:DateTime"),
                    Map.entry(
                            "listmember",
                            "listmemberid:Uniqueidentifier listid:Lookup entityid:Lookup"),
                    Map.entry("task", ACTIVITY),
                    Map.entry("email", ACTIVITY),
                    Map.entry("phonecall", ACTIVITY),
                    Map.entry("systemuser", "systemuserid:Uniqueidentifier fullname:String"));

    @Inject SandboxStore store;

    /** Tables by logical name, read once; every change of the metadata clears it. */
    private final Map<String, Optional<Entity>> cache = new ConcurrentHashMap<>();

    /** A table: its names and columns (AttributeType by logical name). */
    record Entity(
            String logicalName,
            String entitySet,
            String primaryId,
            boolean custom,
            Map<String, JsonObject> attributes) {

        Optional<String> type(String column) {
            JsonObject attribute = attributes.get(column);
            return attribute == null
                    ? Optional.empty()
                    : Optional.of(attribute.getString("AttributeType", ""));
        }
    }

    static boolean isSystem(String logicalName) {
        return SYSTEM.containsKey(logicalName);
    }

    Optional<Entity> entity(String logicalName) {
        return cache.computeIfAbsent(logicalName, this::read);
    }

    private Optional<Entity> read(String logicalName) {
        Map<String, JsonObject> attributes = new LinkedHashMap<>();
        String set;
        boolean custom;
        String primaryId = logicalName + "id";
        if (SYSTEM.containsKey(logicalName)) {
            Arrays.stream(SYSTEM.get(logicalName).trim().split("\\s+"))
                    .forEach(
                            pair -> {
                                String[] p = pair.split(":");
                                attributes.put(p[0], attribute(logicalName, p[0], p[1], false));
                            });
            set =
                    DataverseTables.bySet(logicalName + "s")
                            .map(t -> t.set())
                            .orElse(logicalName + "s");
            if (List.of("task", "email", "phonecall").contains(logicalName)) {
                primaryId = "activityid";
            }
            custom = false;
        } else {
            Optional<JsonObject> row = store.get(ENTITY, logicalName);
            if (row.isEmpty()) {
                return Optional.empty();
            }
            set = row.get().getString("EntitySetName");
            custom = true;
        }
        for (JsonObject a : store.all(ATTRIBUTE)) {
            if (logicalName.equals(a.getString("EntityLogicalName"))) {
                attributes.put(a.getString("LogicalName"), a);
            }
        }
        return Optional.of(new Entity(logicalName, set, primaryId, custom, attributes));
    }

    /**
     * The custom table behind an entity set, if one was created. Looked up on every request to a
     * custom table's set, so a table found is kept with the entities (cleared with them on every
     * metadata change); a set not found is looked up again next time, as setup may create it.
     */
    Optional<Entity> customBySet(String set) {
        Optional<Entity> known = cache.get("set:" + set);
        if (known != null) {
            return known;
        }
        Optional<Entity> found =
                store.all(ENTITY).stream()
                        .filter(e -> set.equals(e.getString("EntitySetName")))
                        .findFirst()
                        .flatMap(e -> entity(e.getString("LogicalName")));
        found.ifPresent(e -> cache.put("set:" + set, found));
        return found;
    }

    List<String> customTables() {
        return store.all(ENTITY).stream().map(e -> e.getString("LogicalName")).toList();
    }

    /** A created table, with its primary key, primary name and state columns. */
    Entity createEntity(JsonObject definition) {
        cache.clear();
        String logical = definition.getString("SchemaName").toLowerCase(Locale.ROOT);
        if (isSystem(logical) || store.get(ENTITY, logical).isPresent()) {
            throw new MetadataException(
                    "0x80044363", "An entity with the name " + logical + " already exists.");
        }
        prefixed(logical);
        String set = definition.getString("EntitySetName", logical + "s");
        JsonValue primary =
                definition.getJsonArray("Attributes") == null
                        ? null
                        : definition.getJsonArray("Attributes").stream()
                                .filter(a -> a.asJsonObject().getBoolean("IsPrimaryName", false))
                                .findFirst()
                                .orElse(null);
        if (primary == null) {
            throw new MetadataException(
                    "0x80048d19", "A new table needs one attribute with IsPrimaryName true.");
        }
        store.update(
                ENTITY,
                logical,
                current ->
                        Json.createObjectBuilder()
                                .add("LogicalName", logical)
                                .add("SchemaName", definition.getString("SchemaName"))
                                .add("EntitySetName", set)
                                .add("MetadataId", id("entity/" + logical))
                                .add("PrimaryIdAttribute", logical + "id")
                                .add(
                                        "PrimaryNameAttribute",
                                        primary.asJsonObject()
                                                .getString("SchemaName")
                                                .toLowerCase(Locale.ROOT))
                                .add(
                                        "OwnershipType",
                                        definition.getString("OwnershipType", "UserOwned"))
                                .add("IsCustomEntity", true)
                                .add(
                                        "DisplayName",
                                        definition.getOrDefault("DisplayName", JsonValue.NULL))
                                .build());
        store.update(
                ATTRIBUTE,
                logical + "." + logical + "id",
                c -> attribute(logical, logical + "id", "Uniqueidentifier", false));
        store.update(
                ATTRIBUTE,
                logical + ".statecode",
                c -> attribute(logical, "statecode", "State", false));
        store.update(
                ATTRIBUTE,
                logical + ".statuscode",
                c -> attribute(logical, "statuscode", "Status", false));
        store.update(
                ATTRIBUTE,
                logical + ".createdon",
                c -> attribute(logical, "createdon", "DateTime", false));
        store.update(
                ATTRIBUTE,
                logical + ".modifiedon",
                c -> attribute(logical, "modifiedon", "DateTime", false));
        store.update(
                ATTRIBUTE,
                logical + ".versionnumber",
                c -> attribute(logical, "versionnumber", "BigInt", false));
        if (!"OrganizationOwned".equals(definition.getString("OwnershipType", "UserOwned"))) {
            store.update(
                    ATTRIBUTE,
                    logical + ".ownerid",
                    c -> attribute(logical, "ownerid", "Owner", false));
        }
        addAttribute(logical, primary.asJsonObject());
        cache.clear();
        return entity(logical).orElseThrow();
    }

    /** A column created on a table (not a lookup: those come with their relationship). */
    void addAttribute(String table, JsonObject definition) {
        cache.clear();
        Entity entity =
                entity(table)
                        .orElseThrow(
                                () ->
                                        new MetadataException(
                                                "0x80060888",
                                                "Could not find an entity with LogicalName "
                                                        + table
                                                        + "."));
        String logical = definition.getString("SchemaName").toLowerCase(Locale.ROOT);
        prefixed(logical);
        if (entity.attributes().containsKey(logical)) {
            throw new MetadataException(
                    "0x80047013",
                    "An attribute with the specified name " + logical + " already exists.");
        }
        String type = attributeType(definition);
        JsonObjectBuilder a =
                Json.createObjectBuilder(attribute(table, logical, type, true))
                        .add("SchemaName", definition.getString("SchemaName"));
        if (definition.containsKey("MaxLength")) {
            a.add("MaxLength", definition.get("MaxLength"));
        }
        if ("Boolean".equals(type)) {
            a.add("DefaultValue", definition.getBoolean("DefaultValue", false));
        }
        if ("Picklist".equals(type)) {
            String bind = definition.getString("GlobalOptionSet@odata.bind", "");
            String metadataId =
                    bind.replaceAll("^.*\\(([0-9a-fA-F-]{36})\\)$", "$1").toLowerCase(Locale.ROOT);
            JsonObject optionSet =
                    store.all(OPTION_SET).stream()
                            .filter(o -> metadataId.equals(o.getString("MetadataId")))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new MetadataException(
                                                    "0x80048039",
                                                    "The attribute "
                                                            + logical
                                                            + " refers to a global option set that does not exist: "
                                                            + bind));
            a.add("OptionSetName", optionSet.getString("Name"));
            if (definition.get("DefaultFormValue") instanceof JsonNumber n) {
                a.add("DefaultFormValue", n.intValue());
            }
        }
        store.update(ATTRIBUTE, table + "." + logical, c -> a.build());
        cache.clear();
    }

    /** A one-to-many relationship and its lookup column on the referencing table. */
    void createRelationship(JsonObject definition) {
        cache.clear();
        String referenced = definition.getString("ReferencedEntity", "");
        String referencing = definition.getString("ReferencingEntity", "");
        if (entity(referenced).isEmpty() || entity(referencing).isEmpty()) {
            throw new MetadataException(
                    "0x80048d19",
                    "The relationship "
                            + definition.getString("SchemaName", "")
                            + " joins a table that does not exist: "
                            + (entity(referenced).isEmpty() ? referenced : referencing));
        }
        JsonObject lookup = definition.getJsonObject("Lookup");
        String logical = lookup.getString("SchemaName").toLowerCase(Locale.ROOT);
        prefixed(logical);
        if (entity(referencing).get().attributes().containsKey(logical)) {
            throw new MetadataException(
                    "0x80047013",
                    "An attribute with the specified name " + logical + " already exists.");
        }
        JsonObject a =
                Json.createObjectBuilder(attribute(referencing, logical, "Lookup", true))
                        .add("SchemaName", lookup.getString("SchemaName"))
                        .add("Targets", Json.createArrayBuilder().add(referenced))
                        .add("RelationshipSchemaName", definition.getString("SchemaName", ""))
                        .add(
                                "CascadeDelete",
                                definition.getJsonObject("CascadeConfiguration") == null
                                        ? "RemoveLink"
                                        : definition
                                                .getJsonObject("CascadeConfiguration")
                                                .getString("Delete", "RemoveLink"))
                        .build();
        store.update(ATTRIBUTE, referencing + "." + logical, c -> a);
        cache.clear();
    }

    Optional<JsonObject> optionSet(String name) {
        return store.get(OPTION_SET, name);
    }

    JsonObject createOptionSet(JsonObject definition) {
        String name = definition.getString("Name", "");
        prefixed(name);
        if (store.get(OPTION_SET, name).isPresent()) {
            throw new MetadataException(
                    "0x80044363", "An option set with the name " + name + " already exists.");
        }
        JsonArrayBuilder options = Json.createArrayBuilder();
        definition.getJsonArray("Options").forEach(o -> options.add(option(o.asJsonObject())));
        return store.update(
                OPTION_SET,
                name,
                c ->
                        Json.createObjectBuilder()
                                .add("@odata.type", "#Microsoft.Dynamics.CRM.OptionSetMetadata")
                                .add("Name", name)
                                .add("MetadataId", id("optionset/" + name))
                                .add("IsGlobal", true)
                                .add("OptionSetType", "Picklist")
                                .add(
                                        "DisplayName",
                                        definition.getOrDefault("DisplayName", JsonValue.NULL))
                                .add("Options", options)
                                .build());
    }

    void insertOption(String name, int value, JsonValue label) {
        JsonObject set =
                optionSet(name)
                        .orElseThrow(
                                () ->
                                        new MetadataException(
                                                "0x80040217",
                                                "The option set " + name + " does not exist."));
        boolean taken =
                set.getJsonArray("Options").stream()
                        .anyMatch(o -> o.asJsonObject().getInt("Value") == value);
        if (taken) {
            throw new MetadataException(
                    "0x80047013", "The value " + value + " is already used in " + name + ".");
        }
        store.update(
                OPTION_SET,
                name,
                current ->
                        Json.createObjectBuilder(current)
                                .add(
                                        "Options",
                                        Json.createArrayBuilder(current.getJsonArray("Options"))
                                                .add(
                                                        option(
                                                                Json.createObjectBuilder()
                                                                        .add("Value", value)
                                                                        .add("Label", label)
                                                                        .build())))
                                .build());
    }

    /** The values of a choice column's option set. */
    List<Integer> optionValues(String optionSetName) {
        return optionSet(optionSetName)
                .map(
                        s ->
                                s.getJsonArray("Options").stream()
                                        .map(o -> o.asJsonObject().getInt("Value"))
                                        .toList())
                .orElse(List.of());
    }

    /** Forgets every customization: the org as before any setup (data rows stay). */
    void reset() {
        cache.clear();
        store.all(ENTITY).forEach(e -> store.delete(ENTITY, e.getString("LogicalName")));
        store.all(ATTRIBUTE)
                .forEach(
                        a ->
                                store.delete(
                                        ATTRIBUTE,
                                        a.getString("EntityLogicalName")
                                                + "."
                                                + a.getString("LogicalName")));
        store.all(OPTION_SET).forEach(o -> store.delete(OPTION_SET, o.getString("Name")));
        cache.clear();
    }

    private static JsonObject option(JsonObject o) {
        return Json.createObjectBuilder()
                .add("Value", o.getInt("Value"))
                .add("Label", o.getOrDefault("Label", JsonValue.NULL))
                .build();
    }

    private static JsonObject attribute(String table, String logical, String type, boolean custom) {
        return Json.createObjectBuilder()
                .add("EntityLogicalName", table)
                .add("LogicalName", logical)
                .add("AttributeType", type)
                .add("MetadataId", id("attribute/" + table + "/" + logical))
                .add("IsCustomAttribute", custom)
                .build();
    }

    private static String attributeType(JsonObject definition) {
        if (definition.get("AttributeType") instanceof JsonString s) {
            return s.getString();
        }
        String odataType = definition.getString("@odata.type", "");
        return switch (odataType.replace("#", "")) {
            case "Microsoft.Dynamics.CRM.StringAttributeMetadata" -> "String";
            case "Microsoft.Dynamics.CRM.MemoAttributeMetadata" -> "Memo";
            case "Microsoft.Dynamics.CRM.IntegerAttributeMetadata" -> "Integer";
            case "Microsoft.Dynamics.CRM.BooleanAttributeMetadata" -> "Boolean";
            case "Microsoft.Dynamics.CRM.DateTimeAttributeMetadata" -> "DateTime";
            case "Microsoft.Dynamics.CRM.PicklistAttributeMetadata" -> "Picklist";
            case "Microsoft.Dynamics.CRM.DecimalAttributeMetadata" -> "Decimal";
            case "Microsoft.Dynamics.CRM.MoneyAttributeMetadata" -> "Money";
            default ->
                    throw new MetadataException(
                            "0x80048d19",
                            "The sandbox does not create attributes of type " + odataType);
        };
    }

    /** Custom names need a publisher prefix (ImportAttributeNameError otherwise). */
    private static void prefixed(String logical) {
        if (!logical.matches("^[a-z0-9]{2,8}_[a-z0-9_]+$")) {
            throw new MetadataException(
                    "0x80048062",
                    "The name " + logical + " lacks a customization prefix (prefix_name).");
        }
    }

    static String id(String name) {
        return UUID.nameUUIDFromBytes(("sandbox-metadata/" + name).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** A metadata request Dataverse refuses: its error code and message. */
    static final class MetadataException extends RuntimeException {

        final String code;

        MetadataException(String code, String message) {
            super(message);
            this.code = code;
        }
    }
}
