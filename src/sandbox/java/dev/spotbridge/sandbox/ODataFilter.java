package dev.spotbridge.sandbox;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of OData $filter the sandbox understands: comparisons {@code column eq|ne value} joined
 * by {@code and}, such conjunctions joined by {@code or} ({@code and} binds tighter, as in OData;
 * no parentheses), with GUID, 'string', number, true/false and null literals, and {@code
 * contains(column,'text')} (case-insensitive, as Dataverse's default collation). Anything else is
 * refused like Dataverse refuses a bad query (400).
 */
final class ODataFilter {

    private static final Pattern CONDITION =
            Pattern.compile(
                    "^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s+(eq|ne)\\s+('(?:[^']|'')*'|[0-9a-fA-F-]{36}|-?[0-9.]+|true|false|null)\\s*$");

    private static final Pattern CONTAINS =
            Pattern.compile(
                    "^\\s*contains\\(\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*,\\s*('(?:[^']|'')*')\\s*\\)\\s*$");

    private ODataFilter() {}

    /** A lookup column equal to a GUID: {@code _parentcustomerid_value eq <guid>}. */
    private static final Pattern GUID_EQ =
            Pattern.compile(
                    "\\b(_[a-z0-9_]+_value)\\s+eq\\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\b");

    /**
     * GUIDs of which every matching row holds one in a lookup: per alternative of the filter
     * ({@code or}), the value of one of its {@code eq} conditions on a lookup column; null when an
     * alternative names none (or the filter negates). Lets the store read only the rows an index of
     * their GUIDs finds instead of parsing every row, as Dataverse's index on a lookup would.
     */
    static java.util.Set<String> requiredGuids(String filter) {
        if (filter == null || filter.isBlank()) {
            return null;
        }
        String lower = filter.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("not ") || lower.contains(" ne ")) {
            return null;
        }
        java.util.Set<String> guids = new java.util.LinkedHashSet<>();
        for (String alternative : lower.split("\\s+or\\s+")) {
            java.util.regex.Matcher m = GUID_EQ.matcher(alternative);
            if (!m.find()) {
                return null;
            }
            guids.add(m.group(2));
        }
        return guids;
    }

    static Predicate<JsonObject> parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return row -> true;
        }
        List<Predicate<JsonObject>> alternatives = new ArrayList<>();
        for (String conjunction : filter.split("(?i)\\s+or\\s+")) {
            alternatives.add(conjunction(conjunction));
        }
        return row -> alternatives.stream().anyMatch(a -> a.test(row));
    }

    private static Predicate<JsonObject> conjunction(String filter) {
        List<Predicate<JsonObject>> conditions = new ArrayList<>();
        for (String part : filter.split("(?i)\\s+and\\s+")) {
            Matcher c = CONTAINS.matcher(part);
            if (c.matches()) {
                String column = c.group(1);
                String needle =
                        ((JsonString) literal(c.group(2))).getString().toLowerCase(Locale.ROOT);
                conditions.add(
                        row ->
                                row.get(column) instanceof JsonString s
                                        && s.getString().toLowerCase(Locale.ROOT).contains(needle));
                continue;
            }
            Matcher m = CONDITION.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "the sandbox understands $filter conditions 'column eq value' and contains(column,'text') joined by 'and' and 'or'; not: "
                                + part);
            }
            String column = m.group(1);
            boolean equal = "eq".equals(m.group(2));
            JsonValue literal = literal(m.group(3));
            conditions.add(row -> same(row.getOrDefault(column, JsonValue.NULL), literal) == equal);
        }
        return row -> conditions.stream().allMatch(c -> c.test(row));
    }

    private static JsonValue literal(String text) {
        if (text.startsWith("'")) {
            return Json.createValue(text.substring(1, text.length() - 1).replace("''", "'"));
        }
        return switch (text) {
            case "true" -> JsonValue.TRUE;
            case "false" -> JsonValue.FALSE;
            case "null" -> JsonValue.NULL;
            default ->
                    text.length() == 36 && text.contains("-")
                            ? Json.createValue(text.toLowerCase(Locale.ROOT))
                            : Json.createValue(new BigDecimal(text));
        };
    }

    private static boolean same(JsonValue value, JsonValue literal) {
        if (value instanceof JsonNumber a && literal instanceof JsonNumber b) {
            return a.bigDecimalValue().compareTo(b.bigDecimalValue()) == 0;
        }
        if (value instanceof JsonString a && literal instanceof JsonString b) {
            return a.getString().equalsIgnoreCase(b.getString());
        }
        return value.equals(literal);
    }
}
