package dev.spotbridge.dataverse;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What Spotbridge reads of a Dataverse webhook body (the JSON form of
 * Microsoft.Xrm.Sdk.RemoteExecutionContext). Unknown fields are ignored; values are normalised by
 * {@link DataverseValues}.
 *
 * @param inputsStripped true when Dataverse removed InputParameters and the images (payload over
 *     256 KB)
 */
public record RemoteExecutionContext(
        String messageName,
        String primaryEntityName,
        String primaryEntityId,
        String operationId,
        String stepId,
        String correlationId,
        String requestId,
        Instant operationCreatedOn,
        int stage,
        int depth,
        String userId,
        Map<String, JsonValue> inputParameters,
        Map<String, Map<String, JsonValue>> preImages,
        Map<String, Map<String, JsonValue>> postImages,
        boolean inputsStripped) {

    /** Dataverse adds this image to every async step; it holds only the primary name and id. */
    public static final String ASYNC_PRIMARY_NAME_IMAGE = "AsynchronousStepPrimaryName";

    /**
     * Reads a parsed body.
     *
     * @param sizeExceeded whether the request carried x-ms-dynamics-msg-size-exceeded
     * @throws MalformedContextException when required fields are missing or of the wrong type
     */
    public static RemoteExecutionContext parse(JsonObject body, boolean sizeExceeded) {
        String message = requiredString(body, "MessageName");
        String entity = requiredString(body, "PrimaryEntityName");
        String id = DataverseValues.guid(requiredString(body, "PrimaryEntityId"));
        if (id == null) {
            throw new MalformedContextException("\"PrimaryEntityId\" is not a GUID");
        }
        String operationId = DataverseValues.guid(requiredString(body, "OperationId"));
        if (operationId == null) {
            throw new MalformedContextException("\"OperationId\" is not a GUID");
        }
        String stepId = null;
        JsonValue owning = body.get("OwningExtension");
        if (owning != null && owning.getValueType() == JsonValue.ValueType.OBJECT) {
            stepId = DataverseValues.guid(optionalString(owning.asJsonObject(), "Id"));
        }
        JsonArray inputs = optionalArray(body, "InputParameters");
        boolean stripped = sizeExceeded || inputs == null;
        Instant created = DataverseValues.instant(optionalString(body, "OperationCreatedOn"));
        return new RemoteExecutionContext(
                message,
                entity.toLowerCase(Locale.ROOT),
                id,
                operationId,
                stepId,
                DataverseValues.guid(optionalString(body, "CorrelationId")),
                DataverseValues.guid(optionalString(body, "RequestId")),
                created,
                optionalInt(body, "Stage"),
                optionalInt(body, "Depth"),
                DataverseValues.guid(optionalString(body, "UserId")),
                DataverseValues.keyValues(inputs),
                images(optionalArray(body, "PreEntityImages"), "PreEntityImages"),
                images(optionalArray(body, "PostEntityImages"), "PostEntityImages"),
                stripped);
    }

    /**
     * The Target of Create/Update as normalised attributes; empty when Target is a reference or
     * absent.
     */
    public Map<String, JsonValue> targetAttributes() {
        JsonValue target = inputParameters.get("Target");
        if (target != null
                && target.getValueType() == JsonValue.ValueType.OBJECT
                && !target.asJsonObject().containsKey("logicalName")) {
            Map<String, JsonValue> map = new LinkedHashMap<>();
            target.asJsonObject().forEach(map::put);
            return map;
        }
        return Map.of();
    }

    /**
     * The first post image an admin registered (any alias except Dataverse's own
     * AsynchronousStepPrimaryName).
     */
    public Optional<Map<String, JsonValue>> registeredPostImage() {
        return postImages.entrySet().stream()
                .filter(e -> !ASYNC_PRIMARY_NAME_IMAGE.equals(e.getKey()))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** An OptionSetValue input parameter (State/Status of SetState), normalised to its number. */
    public Optional<Integer> intParameter(String key) {
        JsonValue v = inputParameters.get(key);
        if (v != null && v.getValueType() == JsonValue.ValueType.NUMBER) {
            return Optional.of(((JsonNumber) v).intValue());
        }
        return Optional.empty();
    }

    private static Map<String, Map<String, JsonValue>> images(JsonArray pairs, String field) {
        Map<String, Map<String, JsonValue>> images = new LinkedHashMap<>();
        DataverseValues.keyValues(pairs)
                .forEach(
                        (alias, value) -> {
                            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                                throw new MalformedContextException(
                                        "image \""
                                                + alias
                                                + "\" in \""
                                                + field
                                                + "\" is not an entity");
                            }
                            Map<String, JsonValue> attributes = new LinkedHashMap<>();
                            value.asJsonObject().forEach(attributes::put);
                            images.put(alias, attributes);
                        });
        return images;
    }

    private static String requiredString(JsonObject body, String field) {
        JsonValue v = body.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            throw new MalformedContextException("required field \"" + field + "\" is missing");
        }
        if (v.getValueType() != JsonValue.ValueType.STRING
                || ((JsonString) v).getString().isBlank()) {
            throw new MalformedContextException(
                    "field \"" + field + "\" must be a non-empty string");
        }
        return ((JsonString) v).getString();
    }

    private static String optionalString(JsonObject body, String field) {
        JsonValue v = body.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.STRING) {
            throw new MalformedContextException("field \"" + field + "\" must be a string");
        }
        return ((JsonString) v).getString();
    }

    private static int optionalInt(JsonObject body, String field) {
        JsonValue v = body.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return 0;
        }
        if (v.getValueType() != JsonValue.ValueType.NUMBER) {
            throw new MalformedContextException("field \"" + field + "\" must be a number");
        }
        return ((JsonNumber) v).intValue();
    }

    private static JsonArray optionalArray(JsonObject body, String field) {
        JsonValue v = body.get(field);
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.ARRAY) {
            throw new MalformedContextException(
                    "field \"" + field + "\" must be a key/value array");
        }
        return v.asJsonArray();
    }
}
