package dev.spotbridge.sandbox;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.spi.JsonProvider;
import java.io.Reader;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The JSON-P factory methods the sandboxes use, on one provider looked up once ({@code
 * jakarta.json.Json} looks it up on every call, which a benchmark run against the sandboxes pays
 * for on each of their answers).
 */
final class Json {

    private static final JsonProvider PROVIDER = JsonProvider.provider();

    private Json() {}

    static JsonObjectBuilder createObjectBuilder() {
        return PROVIDER.createObjectBuilder();
    }

    static JsonObjectBuilder createObjectBuilder(JsonObject object) {
        return PROVIDER.createObjectBuilder(object);
    }

    static JsonObjectBuilder createObjectBuilder(Map<String, ?> map) {
        return PROVIDER.createObjectBuilder(map);
    }

    static JsonArrayBuilder createArrayBuilder(JsonArray array) {
        return PROVIDER.createArrayBuilder(array);
    }

    static JsonArrayBuilder createArrayBuilder() {
        return PROVIDER.createArrayBuilder();
    }

    static JsonReader createReader(Reader reader) {
        return PROVIDER.createReader(reader);
    }

    static JsonString createValue(String value) {
        return PROVIDER.createValue(value);
    }

    static JsonNumber createValue(int value) {
        return PROVIDER.createValue(value);
    }

    static JsonNumber createValue(long value) {
        return PROVIDER.createValue(value);
    }

    static JsonNumber createValue(BigDecimal value) {
        return PROVIDER.createValue(value);
    }
}
