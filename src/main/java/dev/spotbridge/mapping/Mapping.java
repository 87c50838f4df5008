package dev.spotbridge.mapping;

import dev.spotbridge.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed mapping file: per D365 table, a list of column → Spotler property rules. A rule is
 * either a property name ("firstname": "firstName") or an object {"to": "gender", "values": {"1":
 * "M", "2": "F"}} / {"to": "birthday", "type": "date"}. Types: "text" (default), "date"
 * (YYYY-MM-DD), "number", "boolean", "lookup" (a lookup column, mapped by the name of the row it
 * refers to: parentcustomerid → the company's name). A rule's "direction" says which way values
 * flow: "to-spotler" (default), "from-spotler" (Spotler's value — a form, a preference page — into
 * the D365 column, never the other way) or "both".
 */
public final class Mapping {

    /** Which way a rule's values flow. */
    public enum Direction {
        TO_SPOTLER,
        FROM_SPOTLER,
        BOTH;

        static Direction of(String text) {
            return switch (text) {
                case "to-spotler" -> TO_SPOTLER;
                case "from-spotler" -> FROM_SPOTLER;
                case "both" -> BOTH;
                default -> null;
            };
        }

        public boolean outbound() {
            return this != FROM_SPOTLER;
        }

        public boolean inbound() {
            return this != TO_SPOTLER;
        }
    }

    /** One column → property rule. */
    public record Rule(
            String column,
            String property,
            String type,
            Map<String, String> values,
            Direction direction) {

        /**
         * A Spotler value as the D365 column takes it (the way back of {@link #apply}): a mapped
         * value to its D365 value (an option's number), a date as YYYY-MM-DD, a number, a boolean,
         * text.
         *
         * @throws IllegalArgumentException when it cannot be (a value no D365 value maps to)
         */
        public JsonValue toD365(JsonValue value) {
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                return JsonValue.NULL;
            }
            String text = scalarText(value);
            if (!values.isEmpty()) {
                for (Map.Entry<String, String> e : values.entrySet()) {
                    if (e.getValue().equals(text)) {
                        try {
                            return Json.createValue(Long.parseLong(e.getKey()));
                        } catch (NumberFormatException notANumber) {
                            return Json.createValue(e.getKey());
                        }
                    }
                }
                throw new IllegalArgumentException(
                        "Spotler's "
                                + property
                                + " \""
                                + text
                                + "\" maps to no value of "
                                + column);
            }
            return switch (type) {
                case "date" -> {
                    JsonValue date = date(value);
                    if (date == JsonValue.NULL) {
                        throw new IllegalArgumentException(
                                "Spotler's " + property + " \"" + text + "\" is no date");
                    }
                    yield date;
                }
                case "number" -> {
                    if (value.getValueType() == JsonValue.ValueType.NUMBER) {
                        yield value;
                    }
                    try {
                        yield Json.createValue(new java.math.BigDecimal(text));
                    } catch (RuntimeException e) {
                        throw new IllegalArgumentException(
                                "Spotler's " + property + " \"" + text + "\" is no number");
                    }
                }
                case "boolean" ->
                        value == JsonValue.TRUE || "true".equalsIgnoreCase(text)
                                ? JsonValue.TRUE
                                : JsonValue.FALSE;
                default -> text == null || text.isEmpty() ? JsonValue.NULL : Json.createValue(text);
            };
        }

        JsonValue apply(JsonValue value) {
            if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
                return JsonValue.NULL;
            }
            if (!values.isEmpty()) {
                String mapped = values.get(scalarText(value));
                return mapped == null ? JsonValue.NULL : Json.createValue(mapped);
            }
            return switch (type) {
                case "date" -> date(value);
                case "lookup" ->
                        value instanceof JsonObject reference
                                        && reference.get("name") instanceof JsonString name
                                        && !name.getString().isBlank()
                                ? name
                                : JsonValue.NULL;
                case "number" ->
                        value.getValueType() == JsonValue.ValueType.NUMBER ? value : JsonValue.NULL;
                case "boolean" ->
                        value == JsonValue.TRUE || value == JsonValue.FALSE
                                ? value
                                : JsonValue.NULL;
                default -> {
                    String text = scalarText(value);
                    yield text == null || text.isEmpty() ? JsonValue.NULL : Json.createValue(text);
                }
            };
        }

        private static JsonValue date(JsonValue value) {
            if (!(value instanceof JsonString s)) {
                return JsonValue.NULL;
            }
            String text = s.getString();
            try {
                if (text.length() == 10) {
                    return Json.createValue(LocalDate.parse(text).toString());
                }
                return Json.createValue(
                        Instant.parse(text).atOffset(ZoneOffset.UTC).toLocalDate().toString());
            } catch (DateTimeParseException e) {
                return JsonValue.NULL;
            }
        }

        private static String scalarText(JsonValue value) {
            return switch (value.getValueType()) {
                case STRING -> ((JsonString) value).getString();
                case NUMBER ->
                        ((JsonNumber) value).isIntegral()
                                ? String.valueOf(((JsonNumber) value).longValue())
                                : value.toString();
                case TRUE -> "true";
                case FALSE -> "false";
                default -> null;
            };
        }
    }

    private static final Set<String> TYPES = Set.of("text", "date", "number", "boolean", "lookup");

    private final Map<String, List<Rule>> rules;

    private Mapping(Map<String, List<Rule>> rules) {
        this.rules = rules;
    }

    /** The built-in default mapping shipped in the application. */
    public static Mapping defaults() {
        InputStream in = Mapping.class.getResourceAsStream("/mapping/default-mapping.json");
        if (in == null) {
            throw new IllegalStateException("default-mapping.json is missing from the application");
        }
        return parse(in, "default-mapping.json");
    }

    /**
     * Reads a mapping file.
     *
     * @throws InvalidMappingException naming the file and what is wrong
     */
    public static Mapping parse(InputStream in, String source) {
        JsonObject root;
        try (JsonReader reader = Json.createReader(in)) {
            root = reader.readObject();
        } catch (RuntimeException e) {
            throw new InvalidMappingException(source + ": not a JSON object: " + e.getMessage());
        }
        JsonValue entities = root.get("entities");
        if (entities == null || entities.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidMappingException(
                    source + ": \"entities\" must be an object of table → columns");
        }
        Map<String, List<Rule>> rules = new LinkedHashMap<>();
        entities.asJsonObject()
                .forEach(
                        (entity, columns) -> {
                            if (columns.getValueType() != JsonValue.ValueType.OBJECT) {
                                throw new InvalidMappingException(
                                        source + ": entities." + entity + " must be an object");
                            }
                            List<Rule> list = new ArrayList<>();
                            columns.asJsonObject()
                                    .forEach(
                                            (column, rule) ->
                                                    list.add(rule(source, entity, column, rule)));
                            rules.put(entity, List.copyOf(list));
                        });
        return new Mapping(Collections.unmodifiableMap(rules));
    }

    private static Rule rule(String source, String entity, String column, JsonValue rule) {
        String where = source + ": entities." + entity + "." + column;
        if (rule instanceof JsonString s) {
            return new Rule(
                    column, nonEmpty(where, s.getString()), "text", Map.of(), Direction.TO_SPOTLER);
        }
        if (rule.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new InvalidMappingException(
                    where + " must be a property name or an object with \"to\"");
        }
        JsonObject object = rule.asJsonObject();
        if (!(object.get("to") instanceof JsonString to)) {
            throw new InvalidMappingException(where + ": \"to\" (the Spotler property) is missing");
        }
        String type = object.getString("type", "text");
        if (!TYPES.contains(type)) {
            throw new InvalidMappingException(
                    where + ": unknown type \"" + type + "\" (use one of " + TYPES + ")");
        }
        Map<String, String> values = new LinkedHashMap<>();
        JsonValue valueMap = object.get("values");
        if (valueMap != null) {
            if (valueMap.getValueType() != JsonValue.ValueType.OBJECT) {
                throw new InvalidMappingException(
                        where + ": \"values\" must map D365 values to Spotler values");
            }
            valueMap.asJsonObject()
                    .forEach(
                            (k, v) -> {
                                if (!(v instanceof JsonString vs)) {
                                    throw new InvalidMappingException(
                                            where + ".values." + k + " must be a string");
                                }
                                values.put(k, vs.getString());
                            });
        }
        Direction direction = Direction.of(object.getString("direction", "to-spotler"));
        if (direction == null) {
            throw new InvalidMappingException(
                    where
                            + ": unknown direction \""
                            + object.getString("direction", "")
                            + "\" (use to-spotler, from-spotler or both)");
        }
        if (direction.inbound() && "lookup".equals(type)) {
            throw new InvalidMappingException(
                    where + ": a lookup is mapped by name and cannot flow back from Spotler");
        }
        return new Rule(
                column, nonEmpty(where, to.getString()), type, Map.copyOf(values), direction);
    }

    private static String nonEmpty(String where, String property) {
        if (property.isBlank()) {
            throw new InvalidMappingException(where + ": the Spotler property name is empty");
        }
        return property;
    }

    public boolean maps(String entity) {
        return rules.containsKey(entity);
    }

    public List<Rule> rules(String entity) {
        return rules.getOrDefault(entity, List.of());
    }

    /** The rules whose values flow from D365 to Spotler. */
    public List<Rule> outbound(String entity) {
        return rules(entity).stream().filter(r -> r.direction().outbound()).toList();
    }

    /** The rules whose values flow from Spotler back to D365. */
    public List<Rule> inbound(String entity) {
        return rules(entity).stream().filter(r -> r.direction().inbound()).toList();
    }

    /**
     * The D365 columns whose changes go to Spotler (what a webhook step filters on and its image
     * carries).
     */
    public List<String> columns(String entity) {
        return outbound(entity).stream().map(Rule::column).distinct().toList();
    }

    /**
     * The columns to $select in the Web API for a table: the mapped ones, a lookup as its _x_value
     * (read back as the column, with the referenced row's name).
     */
    public List<String> selectColumns(String entity) {
        // every mapped column, the inbound ones too (a dry run compares both ways)
        return rules(entity).stream()
                .map(r -> "lookup".equals(r.type()) ? "_" + r.column() + "_value" : r.column())
                .distinct()
                .toList();
    }

    /**
     * Maps a record's columns to Spotler properties. A column that is null (cleared) maps to JSON
     * null; a column the record does not hold at all (not in the image, unchanged) maps to nothing,
     * so the property is left as it is.
     */
    public Map<String, JsonValue> apply(String entity, Map<String, JsonValue> record) {
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        for (Rule rule : outbound(entity)) {
            if (!record.containsKey(rule.column())) {
                continue;
            }
            JsonValue mapped = rule.apply(record.get(rule.column()));
            JsonValue previous = properties.get(rule.property());
            // two columns feeding one property: the first non-empty wins
            if (previous == null || previous.getValueType() == JsonValue.ValueType.NULL) {
                properties.put(rule.property(), mapped);
            }
        }
        return properties;
    }
}
