package dev.spotbridge.sandbox;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The part of FetchXML the Dataverse sandbox evaluates: one {@code <entity>} with nested {@code
 * <filter type="and|or">} of {@code <condition attribute operator value>} (eq, ne/neq, null,
 * not-null, like, not-like, in, not-in), and the {@code count}/{@code page} paging attributes of
 * {@code <fetch>}. Ordering and link-entities are not evaluated.
 */
final class FetchXml {

    final String entity;
    final Predicate<JsonObject> filter;
    final int count;
    final int page;

    private FetchXml(String entity, Predicate<JsonObject> filter, int count, int page) {
        this.entity = entity;
        this.filter = filter;
        this.count = count;
        this.page = page;
    }

    static FetchXml parse(String xml) {
        Document doc;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            doc =
                    factory.newDocumentBuilder()
                            .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "the fetchXml parameter is not well-formed XML: " + e.getMessage());
        }
        Element fetch = doc.getDocumentElement();
        if (!"fetch".equals(fetch.getTagName())) {
            throw new IllegalArgumentException("FetchXML must start with <fetch>");
        }
        Element entity =
                child(fetch, "entity")
                        .orElseThrow(() -> new IllegalArgumentException("<entity> is missing"));
        List<Predicate<JsonObject>> filters = new ArrayList<>();
        children(entity, "filter").forEach(f -> filters.add(filter(f)));
        int count =
                fetch.hasAttribute("count") ? Integer.parseInt(fetch.getAttribute("count")) : 5000;
        int page = fetch.hasAttribute("page") ? Integer.parseInt(fetch.getAttribute("page")) : 1;
        return new FetchXml(
                entity.getAttribute("name"),
                row -> filters.stream().allMatch(p -> p.test(row)),
                count,
                page);
    }

    private static Predicate<JsonObject> filter(Element filter) {
        boolean or = "or".equalsIgnoreCase(filter.getAttribute("type"));
        List<Predicate<JsonObject>> parts = new ArrayList<>();
        Node n = filter.getFirstChild();
        for (; n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                if ("condition".equals(e.getTagName())) {
                    parts.add(condition(e));
                } else if ("filter".equals(e.getTagName())) {
                    parts.add(filter(e));
                }
            }
        }
        return or
                ? row -> parts.stream().anyMatch(p -> p.test(row))
                : row -> parts.stream().allMatch(p -> p.test(row));
    }

    private static Predicate<JsonObject> condition(Element c) {
        String attribute = c.getAttribute("attribute");
        String operator = c.getAttribute("operator");
        String value = c.getAttribute("value");
        List<String> values = new ArrayList<>();
        children(c, "value").forEach(v -> values.add(v.getTextContent().trim()));
        return switch (operator) {
            case "eq" -> row -> same(text(row, attribute), value);
            case "ne", "neq" -> row -> !same(text(row, attribute), value);
            case "null" -> row -> text(row, attribute) == null;
            case "not-null" -> row -> text(row, attribute) != null;
            case "like" -> row -> like(text(row, attribute), value);
            case "not-like" -> row -> !like(text(row, attribute), value);
            case "in" -> row -> values.stream().anyMatch(v -> same(text(row, attribute), v));
            case "not-in" -> row -> values.stream().noneMatch(v -> same(text(row, attribute), v));
            default ->
                    throw new IllegalArgumentException(
                            "the sandbox does not evaluate operator '" + operator + "'");
        };
    }

    /** A row value as FetchXML compares it: booleans as 1/0, lookups by their id. */
    private static String text(JsonObject row, String attribute) {
        JsonValue v =
                row.containsKey(attribute)
                        ? row.get(attribute)
                        : row.get("_" + attribute + "_value");
        if (v == null || v.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return switch (v.getValueType()) {
            case TRUE -> "1";
            case FALSE -> "0";
            case STRING -> ((JsonString) v).getString();
            case NUMBER ->
                    ((JsonNumber) v).isIntegral()
                            ? String.valueOf(((JsonNumber) v).longValue())
                            : v.toString();
            default -> v.toString();
        };
    }

    private static boolean same(String actual, String expected) {
        if (actual == null) {
            return false;
        }
        String e =
                "true".equalsIgnoreCase(expected)
                        ? "1"
                        : "false".equalsIgnoreCase(expected) ? "0" : expected;
        return actual.equalsIgnoreCase(e);
    }

    private static boolean like(String actual, String pattern) {
        if (actual == null) {
            return false;
        }
        String regex = Pattern.quote(pattern).replace("%", "\\E.*\\Q").replace("_", "\\E.\\Q");
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
                .matcher(actual)
                .matches();
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getTagName())) {
                out.add(e);
            }
        }
        return out;
    }
}
