package dev.spotbridge.spotler;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Spotler Mail+ Swagger 1.2 description (test fixture spotler/swagger-1.2-api.json, a copy of
 * the 2022 crawl of the live api-docs) as a checker of answers: an answer of an operation must have
 * only the fields its model names, each of the JSON type the model gives, enums within their values
 * and the required fields present.
 *
 * <p>Types as the description writes them: {@code integer} (int32/int64) is a JSON number without
 * fraction in range; {@code string} with format {@code date-time} an ISO 8601 text with offset; the
 * non-standard type {@code date-time} (Contact.created, ContactBounce.date, …), which clients have
 * observed as epoch numbers, either an integral number or an ISO text; {@code Map[string,Object]}
 * any object; a {@code $ref} to a model an object of that model, to a name that is no model
 * (ErrorType, ContactResponseCode) a string of the property's enum.
 */
public final class SwaggerContract {

    private final Map<String, JsonObject> models = new HashMap<>();

    /** method + path → operation (with its path template). */
    private final List<Operation> operations = new ArrayList<>();

    private record Operation(String method, String template, Pattern path, JsonObject spec) {}

    private SwaggerContract(JsonArray resources) {
        for (JsonObject resource : resources.getValuesAs(JsonObject.class)) {
            JsonObject m = resource.getJsonObject("models");
            if (m != null) {
                m.forEach((name, model) -> models.put(name, model.asJsonObject()));
            }
            for (JsonObject api : resource.getJsonArray("apis").getValuesAs(JsonObject.class)) {
                String template = api.getString("path");
                Pattern path =
                        Pattern.compile(template.replaceAll("\\{[^}]+}", "[^/]+").concat("/?"));
                for (JsonObject op : api.getJsonArray("operations").getValuesAs(JsonObject.class)) {
                    operations.add(new Operation(op.getString("method"), template, path, op));
                }
            }
        }
    }

    /** The description in the test resources. */
    public static SwaggerContract load() {
        try (InputStream in =
                        SwaggerContract.class.getResourceAsStream("/spotler/swagger-1.2-api.json");
                JsonReader reader = Json.createReader(in)) {
            return new SwaggerContract(reader.readArray());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What is wrong with an answer of an operation; empty when it is as described.
     *
     * @param path the request path below the base path, without query ("/contact/abc")
     * @param status the answer's status
     * @param body the answer's body ("" when none)
     */
    public List<String> check(String method, String path, int status, String body) {
        Operation op =
                operations.stream()
                        .filter(o -> o.method().equals(method) && o.path().matcher(path).matches())
                        // the literal template wins over a parameter ("/contact/updates/list"
                        // over "/contact/{externalId}")
                        .min(
                                (a, b) ->
                                        Long.compare(
                                                a.template().chars().filter(c -> c == '{').count(),
                                                b.template().chars().filter(c -> c == '{').count()))
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the description has no " + method + " " + path));
        List<String> problems = new ArrayList<>();
        String where = method + " " + op.template() + " " + status;
        Optional<JsonObject> type = expected(op.spec(), status);
        if (type.isEmpty()) {
            if (status >= 200 && status < 300 && !body.isBlank()) {
                problems.add(where + ": described without a body, answered " + cut(body));
            }
            return problems;
        }
        if (body.isBlank()) {
            problems.add(where + ": no body, described as " + type.get());
            return problems;
        }
        JsonValue value;
        try (JsonReader reader = Json.createReader(new java.io.StringReader(body))) {
            value = reader.readValue();
        } catch (RuntimeException e) {
            problems.add(where + ": not JSON: " + cut(body));
            return problems;
        }
        value(where, type.get(), value, problems);
        return problems;
    }

    /** The type of the answer with that status: the operation's for 2xx, else its message's. */
    private Optional<JsonObject> expected(JsonObject op, int status) {
        JsonArray messages = op.getJsonArray("responseMessages");
        if (messages != null) {
            for (JsonObject m : messages.getValuesAs(JsonObject.class)) {
                if (m.getInt("code") == status && m.containsKey("responseModel")) {
                    return Optional.of(
                            Json.createObjectBuilder()
                                    .add("$ref", m.getString("responseModel"))
                                    .build());
                }
            }
        }
        if (status >= 200 && status < 300) {
            String type = op.getString("type", "void");
            if ("void".equals(type)) {
                return Optional.empty();
            }
            return Optional.of(op);
        }
        // an error the description gives no model for: Spotler's ErrorResponse, as every
        // documented one is
        return Optional.of(Json.createObjectBuilder().add("$ref", "ErrorResponse").build());
    }

    /** Checks one value against a property-like spec ({type, format, items, $ref, enum}). */
    private void value(String where, JsonObject spec, JsonValue value, List<String> problems) {
        if (value.getValueType() == JsonValue.ValueType.NULL) {
            return;
        }
        String ref = spec.getString("$ref", null);
        String type = spec.getString("type", ref);
        if (type == null) {
            problems.add(where + ": the description gives no type");
            return;
        }
        if (models.containsKey(type)) {
            model(where, type, value, problems);
            return;
        }
        if (spec.containsKey("enum")) {
            if (!(value instanceof JsonString s)
                    || spec.getJsonArray("enum").getValuesAs(JsonString.class).stream()
                            .noneMatch(e -> e.getString().equals(s.getString()))) {
                problems.add(where + ": " + value + " is none of " + spec.getJsonArray("enum"));
            }
            return;
        }
        switch (type) {
            case "integer" -> {
                if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
                    problems.add(where + ": " + cut(value.toString()) + " is not an integer");
                } else if ("int32".equals(spec.getString("format", ""))
                        && (n.bigIntegerValue().bitLength() > 31)) {
                    problems.add(where + ": " + value + " is out of int32");
                }
            }
            case "number" -> {
                if (!(value instanceof JsonNumber)) {
                    problems.add(where + ": " + cut(value.toString()) + " is not a number");
                }
            }
            case "boolean" -> {
                if (value.getValueType() != JsonValue.ValueType.TRUE
                        && value.getValueType() != JsonValue.ValueType.FALSE) {
                    problems.add(where + ": " + cut(value.toString()) + " is not a boolean");
                }
            }
            case "string" -> {
                if (!(value instanceof JsonString s)) {
                    problems.add(where + ": " + cut(value.toString()) + " is not a string");
                } else if ("date-time".equals(spec.getString("format", ""))) {
                    isoDate(where, s.getString(), problems);
                }
            }
            case "date-time" -> {
                if (value instanceof JsonString s) {
                    isoDate(where, s.getString(), problems);
                } else if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
                    problems.add(
                            where
                                    + ": "
                                    + cut(value.toString())
                                    + " is no date-time (epoch or ISO)");
                }
            }
            case "array" -> {
                if (!(value instanceof JsonArray a)) {
                    problems.add(where + ": " + cut(value.toString()) + " is not an array");
                } else {
                    JsonObject items = spec.getJsonObject("items");
                    for (int i = 0; i < a.size(); i++) {
                        value(where + "[" + i + "]", items, a.get(i), problems);
                    }
                }
            }
            default -> {
                if (type.startsWith("Map[")) {
                    if (!(value instanceof JsonObject)) {
                        problems.add(where + ": " + cut(value.toString()) + " is not an object");
                    }
                } else {
                    problems.add(where + ": the description's type " + type + " is unknown here");
                }
            }
        }
    }

    private void model(String where, String name, JsonValue value, List<String> problems) {
        if (!(value instanceof JsonObject object)) {
            problems.add(where + ": " + cut(value.toString()) + " is not a " + name + " object");
            return;
        }
        JsonObject model = models.get(name);
        JsonObject properties = model.getJsonObject("properties");
        for (Map.Entry<String, JsonValue> field : object.entrySet()) {
            if (!properties.containsKey(field.getKey())) {
                problems.add(where + ": " + name + " has no field " + field.getKey());
            } else {
                value(
                        where + " " + name + "." + field.getKey(),
                        properties.getJsonObject(field.getKey()),
                        field.getValue(),
                        problems);
            }
        }
        JsonArray required = model.getJsonArray("required");
        if (required != null) {
            for (JsonString r : required.getValuesAs(JsonString.class)) {
                if (!object.containsKey(r.getString()) || object.isNull(r.getString())) {
                    problems.add(where + ": " + name + " lacks required " + r.getString());
                }
            }
        }
    }

    private static void isoDate(String where, String text, List<String> problems) {
        try {
            OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            problems.add(where + ": \"" + text + "\" is no ISO 8601 date-time with offset");
        }
    }

    private static String cut(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
}
