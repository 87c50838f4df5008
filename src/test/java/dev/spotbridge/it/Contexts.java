package dev.spotbridge.it;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Builds RemoteExecutionContext bodies in Dataverse's wire form (key/value arrays, __type tags,
 * "/Date(ms)/"), serialised compactly with every '/' escaped as '\/', exactly as Dataverse posts
 * them.
 */
final class Contexts {

    static final String CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";
    static final String STEP = "2c9f6e1a-8a95-f011-b4cc-000d3a4f8c21";

    private Contexts() {}

    static String create(
            String entity, String id, Map<String, Object> attributes, Instant modifiedOn) {
        return wire(
                context("Create", entity, id, UUID.randomUUID().toString(), modifiedOn)
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(
                                                pair(
                                                        "Target",
                                                        entity(
                                                                entity,
                                                                id,
                                                                attributes(
                                                                        attributes,
                                                                        modifiedOn,
                                                                        entity + "id",
                                                                        id),
                                                                true))))
                        .build());
    }

    /**
     * An Update whose Target holds only the changed columns and, when postImage is not null, a
     * registered post image.
     */
    static String update(
            String entity,
            String id,
            Map<String, Object> changed,
            Map<String, Object> postImage,
            Instant modifiedOn,
            String operationId) {
        JsonObjectBuilder context =
                context("Update", entity, id, operationId, modifiedOn)
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(
                                                pair(
                                                        "Target",
                                                        entity(
                                                                entity,
                                                                id,
                                                                attributes(
                                                                        changed,
                                                                        modifiedOn,
                                                                        entity + "id",
                                                                        id),
                                                                true))));
        JsonArrayBuilder post = Json.createArrayBuilder();
        if (postImage != null) {
            post.add(
                    pair(
                            "PostImage",
                            entity(
                                    entity,
                                    id,
                                    attributes(postImage, modifiedOn, entity + "id", id),
                                    false)));
        }
        return wire(context.add("PostEntityImages", post).build());
    }

    static String delete(String entity, String id) {
        return wire(
                context("Delete", entity, id, UUID.randomUUID().toString(), Instant.now())
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(pair("Target", reference(entity, id))))
                        .build());
    }

    static String setState(String entity, String id, int state) {
        return wire(
                context(
                                "SetStateDynamicEntity",
                                entity,
                                id,
                                UUID.randomUUID().toString(),
                                Instant.now())
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(pair("EntityMoniker", reference(entity, id)))
                                        .add(pair("State", option(state)))
                                        .add(pair("Status", option(state == 0 ? 1 : 2))))
                        .build());
    }

    static String other(String message, String entity, String id) {
        return wire(
                context(message, entity, id, UUID.randomUUID().toString(), Instant.now())
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(pair("Target", reference(entity, id))))
                        .build());
    }

    /** AddMember / RemoveMember of a marketing list: ListId and EntityId as plain GUID strings. */
    static String listMember(String message, String listId, String memberId) {
        return wire(
                context(message, "list", listId, UUID.randomUUID().toString(), Instant.now())
                        .add(
                                "InputParameters",
                                Json.createArrayBuilder()
                                        .add(pair("ListId", Json.createValue(listId)))
                                        .add(pair("EntityId", Json.createValue(memberId))))
                        .build());
    }

    /** A message on a list with the input parameters it carries (QualifyMemberList, …). */
    static String listMessage(String message, String listId, Map<String, JsonValue> inputs) {
        JsonArrayBuilder parameters = Json.createArrayBuilder();
        inputs.forEach((k, v) -> parameters.add(pair(k, v)));
        return wire(
                context(message, "list", listId, UUID.randomUUID().toString(), Instant.now())
                        .add("InputParameters", parameters)
                        .build());
    }

    static JsonObject option(int value) {
        return Json.createObjectBuilder()
                .add("__type", "OptionSetValue:" + CONTRACTS)
                .add("Value", value)
                .build();
    }

    private static JsonObjectBuilder context(
            String message, String entity, String id, String operationId, Instant created) {
        return Json.createObjectBuilder()
                .add("BusinessUnitId", "41b2c9d0-2b6e-ef11-a670-000d3a4f8c21")
                .add("CorrelationId", UUID.randomUUID().toString())
                .add("Depth", 1)
                .add("InitiatingUserId", "be5d0e77-3c6e-ef11-a670-6045bd1d2f10")
                .add("IsExecutingOffline", false)
                .add("IsInTransaction", false)
                .add("IsOfflinePlayback", false)
                .add("IsolationMode", 1)
                .add("MessageName", message)
                .add("Mode", 1)
                .add("OperationCreatedOn", "/Date(" + created.toEpochMilli() + "+0000)/")
                .add("OperationId", operationId)
                .add("OrganizationId", "7a3c1f52-2b6e-ef11-a670-000d3a4f8c21")
                .add("OrganizationName", "unq7a3c1f522b6eef11a670000d3a4f8")
                .add("OutputParameters", Json.createArrayBuilder())
                .add(
                        "OwningExtension",
                        Json.createObjectBuilder()
                                .add("Id", STEP)
                                .add("KeyAttributes", Json.createArrayBuilder())
                                .add("LogicalName", "sdkmessageprocessingstep")
                                .add("Name", "Spotbridge: " + message + " of " + entity)
                                .add("RowVersion", JsonValue.NULL))
                .add("ParentContext", JsonValue.NULL)
                .add("PostEntityImages", Json.createArrayBuilder())
                .add("PreEntityImages", Json.createArrayBuilder())
                .add("PrimaryEntityId", id)
                .add("PrimaryEntityName", entity)
                .add("RequestId", JsonValue.NULL)
                .add("SecondaryEntityName", "none")
                .add("SharedVariables", Json.createArrayBuilder())
                .add("Stage", 40)
                .add("UserId", "be5d0e77-3c6e-ef11-a670-6045bd1d2f10");
    }

    private static JsonObject entity(
            String logicalName, String id, JsonArray attributes, boolean typed) {
        JsonObjectBuilder e = Json.createObjectBuilder();
        if (typed) {
            e.add("__type", "Entity:" + CONTRACTS);
        }
        return e.add("Attributes", attributes)
                .add("EntityState", JsonValue.NULL)
                .add("FormattedValues", Json.createArrayBuilder())
                .add("Id", id)
                .add("KeyAttributes", Json.createArrayBuilder())
                .add("LogicalName", logicalName)
                .add("RelatedEntities", Json.createArrayBuilder())
                .add("RowVersion", JsonValue.NULL)
                .build();
    }

    static JsonObject reference(String logicalName, String id) {
        return reference(logicalName, id, null);
    }

    /** An EntityReference as images carry it: with the referenced row's primary name. */
    static JsonObject reference(String logicalName, String id, String name) {
        return Json.createObjectBuilder()
                .add("__type", "EntityReference:" + CONTRACTS)
                .add("Id", id)
                .add("KeyAttributes", Json.createArrayBuilder())
                .add("LogicalName", logicalName)
                .add("Name", name == null ? JsonValue.NULL : Json.createValue(name))
                .add("RowVersion", JsonValue.NULL)
                .build();
    }

    private static JsonObject pair(String key, JsonValue value) {
        return Json.createObjectBuilder().add("key", key).add("value", value).build();
    }

    /** A key/value attribute array: the given columns plus modifiedon and the primary id column. */
    private static JsonArray attributes(
            Map<String, Object> attributes, Instant modifiedOn, String idColumn, String id) {
        JsonArrayBuilder array = Json.createArrayBuilder();
        attributes.forEach((k, v) -> array.add(pair(k, value(v))));
        return array.add(pair("modifiedon", Json.createValue(date(modifiedOn))))
                .add(pair(idColumn, Json.createValue(id)))
                .build();
    }

    private static JsonValue value(Object v) {
        if (v == null) {
            return JsonValue.NULL;
        }
        if (v instanceof JsonValue j) {
            return j;
        }
        if (v instanceof Boolean b) {
            return b ? JsonValue.TRUE : JsonValue.FALSE;
        }
        if (v instanceof Integer i) {
            return Json.createValue(i);
        }
        if (v instanceof Instant t) {
            return Json.createValue(date(t));
        }
        return Json.createValue(v.toString());
    }

    static String date(Instant t) {
        return "/Date(" + t.toEpochMilli() + ")/";
    }

    /** Compact JSON with '/' escaped as '\/', as the Dataverse serializer writes it. */
    private static String wire(JsonObject json) {
        return json.toString().replace("/", "\\/");
    }
}
