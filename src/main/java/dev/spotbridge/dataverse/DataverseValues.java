package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Dataverse's typed values into plain JSON so that webhook images and Web API rows look
 * alike: OptionSetValue and Money become their number, EntityReference becomes
 * {"id","logicalName"}, "/Date(ms)/" becomes an ISO-8601 instant, Guid/DateTime wrappers are
 * unwrapped.
 */
public final class DataverseValues {

    private static final Pattern WCF_DATE = Pattern.compile("^/Date\\((-?\\d+)([+-]\\d{4})?\\)/$");
    private static final Pattern GUID =
            Pattern.compile(
                    "^\\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})}?$");

    private DataverseValues() {}

    /**
     * A GUID in the form Spotbridge uses everywhere: lower case, no braces; null when the text is
     * no GUID.
     */
    public static String guid(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = GUID.matcher(text.trim());
        return m.matches() ? m.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /**
     * Parses "/Date(ms)/", "/Date(ms+hhmm)/" (the offset is display only: ms is UTC) or an ISO-8601
     * instant.
     */
    public static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = WCF_DATE.matcher(text);
        if (m.matches()) {
            return Instant.ofEpochMilli(Long.parseLong(m.group(1)));
        }
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (RuntimeException again) {
                return null;
            }
        }
    }

    /**
     * Attributes of a key/value array ({"key":..,"value":..}) as a normalised map, in wire order.
     */
    public static Map<String, JsonValue> keyValues(JsonArray pairs) {
        Map<String, JsonValue> map = new LinkedHashMap<>();
        if (pairs == null) {
            return map;
        }
        for (JsonValue item : pairs) {
            if (item.getValueType() != JsonValue.ValueType.OBJECT
                    || !item.asJsonObject().containsKey("key")
                    || item.asJsonObject().get("key").getValueType()
                            != JsonValue.ValueType.STRING) {
                throw new MalformedContextException(
                        "a key/value array holds an item without a string \"key\"");
            }
            JsonObject pair = item.asJsonObject();
            map.put(pair.getString("key"), normalize(pair.getOrDefault("value", JsonValue.NULL)));
        }
        return map;
    }

    /** A Dataverse Boolean column's value; null when absent or not a Boolean. */
    public static Boolean bool(JsonValue value) {
        if (value == null) {
            return null;
        }
        return switch (value.getValueType()) {
            case TRUE -> true;
            case FALSE -> false;
            default -> null;
        };
    }

    /** One value, normalised; see the class comment. */
    public static JsonValue normalize(JsonValue value) {
        if (value == null) {
            return JsonValue.NULL;
        }
        switch (value.getValueType()) {
            case STRING -> {
                String text = ((JsonString) value).getString();
                Matcher m = WCF_DATE.matcher(text);
                return m.matches()
                        ? Json.createValue(
                                Instant.ofEpochMilli(Long.parseLong(m.group(1))).toString())
                        : value;
            }
            case ARRAY -> {
                JsonArrayBuilder out = Json.createArrayBuilder();
                value.asJsonArray().forEach(v -> out.add(normalize(v)));
                return out.build();
            }
            case OBJECT -> {
                return normalizeObject(value.asJsonObject());
            }
            default -> {
                return value;
            }
        }
    }

    private static JsonValue normalizeObject(JsonObject object) {
        String type =
                object.containsKey("__type")
                                && object.get("__type").getValueType() == JsonValue.ValueType.STRING
                        ? object.getString("__type")
                        : "";
        int colon = type.indexOf(':');
        String kind = colon < 0 ? type : type.substring(0, colon);
        switch (kind) {
            case "OptionSetValue", "Money" -> {
                return object.getOrDefault("Value", JsonValue.NULL);
            }
            case "EntityReference" -> {
                return reference(object);
            }
            case "Guid", "DateTime" -> {
                return normalize(object.getOrDefault("__value", JsonValue.NULL));
            }
            case "Entity" -> {
                return entityAttributes(object);
            }
            case "EntityCollection" -> {
                JsonArrayBuilder entities = Json.createArrayBuilder();
                JsonValue list = object.get("Entities");
                if (list != null && list.getValueType() == JsonValue.ValueType.ARRAY) {
                    list.asJsonArray()
                            .forEach(
                                    e ->
                                            entities.add(
                                                    e.getValueType() == JsonValue.ValueType.OBJECT
                                                            ? entityAttributes(e.asJsonObject())
                                                            : e));
                }
                return entities.build();
            }
            default -> {
                // images carry their entities without __type (the member is statically typed)
                if (object.get("Attributes") instanceof JsonArray) {
                    return entityAttributes(object);
                }
                if (object.containsKey("LogicalName") && object.containsKey("Id")) {
                    return reference(object);
                }
                return object;
            }
        }
    }

    private static JsonObject reference(JsonObject object) {
        JsonValue id = object.get("Id");
        String guid =
                id != null && id.getValueType() == JsonValue.ValueType.STRING
                        ? guid(((JsonString) id).getString())
                        : null;
        JsonValue name = object.get("LogicalName");
        JsonObjectBuilder reference =
                Json.createObjectBuilder()
                        .add("id", guid == null ? JsonValue.NULL : Json.createValue(guid))
                        .add("logicalName", name == null ? JsonValue.NULL : name);
        // the referenced row's primary name, as images carry it
        if (object.get("Name") instanceof JsonString display) {
            reference.add("name", display);
        }
        return reference.build();
    }

    private static JsonObject entityAttributes(JsonObject entity) {
        JsonValue attributes = entity.get("Attributes");
        var builder = Json.createObjectBuilder();
        if (attributes != null && attributes.getValueType() == JsonValue.ValueType.ARRAY) {
            keyValues(attributes.asJsonArray()).forEach(builder::add);
        } else if (attributes != null && attributes.getValueType() != JsonValue.ValueType.NULL) {
            throw new MalformedContextException(
                    "an entity's \"Attributes\" must be an array of key/value pairs");
        }
        return builder.build();
    }
}
