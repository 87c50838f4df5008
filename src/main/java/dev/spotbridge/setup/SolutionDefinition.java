package dev.spotbridge.setup;

import dev.spotbridge.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Spotbridge solution as data: src/main/dataverse/solution.json (on the class path as
 * dataverse/solution.json). The one place that says which tables, columns, choices, values and
 * roles exist; setup creates them from it and the check compares an org with it.
 */
public record SolutionDefinition(
        Solution solution,
        Publisher publisher,
        List<Choice> choices,
        List<Table> tables,
        List<Column> columns,
        List<Role> roles) {

    public static final String RESOURCE = "dataverse/solution.json";

    public record Solution(
            String uniqueName, String displayName, String version, String description) {}

    public record Publisher(
            String uniqueName, String displayName, String prefix, int optionValuePrefix) {}

    public record Option(int value, String label) {}

    public record Choice(String name, String label, String description, List<Option> options) {

        public Optional<Option> option(String label) {
            return options.stream().filter(o -> o.label().equals(label)).findFirst();
        }
    }

    /** A table of the solution's own, with its primary name column. */
    public record Table(
            String name,
            String set,
            String label,
            String plural,
            String description,
            String primaryName,
            String primaryNameLabel,
            int primaryNameLength,
            String ownership) {}

    /**
     * A column on one of the solution's tables or on a table of D365's own.
     *
     * @param type text, memo, integer, boolean, datetime, choice or lookup
     * @param choice the global choice of a choice column
     * @param target the table a lookup points to
     * @param defaultValue a boolean's or a choice's default, else null
     */
    public record Column(
            String table,
            String name,
            String type,
            String label,
            String description,
            Integer maxLength,
            String choice,
            String target,
            JsonValue defaultValue) {

        public String key() {
            return table + "." + name;
        }
    }

    public record Privilege(String name, String level) {}

    public record Role(String name, String description, List<Privilege> privileges) {}

    /** The definition packaged with Spotbridge. */
    public static SolutionDefinition load() {
        try (InputStream in =
                SolutionDefinition.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SolutionDefinition parse(InputStream in) {
        JsonObject json;
        try (JsonReader reader = Json.createReader(in)) {
            json = reader.readObject();
        }
        JsonObject s = json.getJsonObject("solution");
        JsonObject p = json.getJsonObject("publisher");
        return new SolutionDefinition(
                new Solution(
                        s.getString("uniqueName"),
                        s.getString("displayName"),
                        s.getString("version"),
                        s.getString("description")),
                new Publisher(
                        p.getString("uniqueName"),
                        p.getString("displayName"),
                        p.getString("prefix"),
                        p.getInt("optionValuePrefix")),
                objects(json.getJsonArray("choices")).stream()
                        .map(
                                c ->
                                        new Choice(
                                                c.getString("name"),
                                                c.getString("label"),
                                                c.getString("description", ""),
                                                objects(c.getJsonArray("options")).stream()
                                                        .map(
                                                                o ->
                                                                        new Option(
                                                                                o.getInt("value"),
                                                                                o.getString(
                                                                                        "label")))
                                                        .toList()))
                        .toList(),
                objects(json.getJsonArray("tables")).stream()
                        .map(
                                t -> {
                                    JsonObject name = t.getJsonObject("primaryName");
                                    return new Table(
                                            t.getString("name"),
                                            t.getString("set"),
                                            t.getString("label"),
                                            t.getString("plural"),
                                            t.getString("description", ""),
                                            name.getString("name"),
                                            name.getString("label"),
                                            name.getInt("maxLength"),
                                            t.getString("ownership"));
                                })
                        .toList(),
                objects(json.getJsonArray("columns")).stream()
                        .map(
                                c ->
                                        new Column(
                                                c.getString("table"),
                                                c.getString("name"),
                                                c.getString("type"),
                                                c.getString("label"),
                                                c.getString("description", ""),
                                                c.get("maxLength") instanceof JsonNumber n
                                                        ? n.intValue()
                                                        : null,
                                                c.getString("choice", null),
                                                c.getString("target", null),
                                                c.get("default")))
                        .toList(),
                objects(json.getJsonArray("roles")).stream()
                        .map(
                                r ->
                                        new Role(
                                                r.getString("name"),
                                                r.getString("description", ""),
                                                objects(r.getJsonArray("privileges")).stream()
                                                        .map(
                                                                v ->
                                                                        new Privilege(
                                                                                v.getString("name"),
                                                                                v.getString(
                                                                                        "level")))
                                                        .toList()))
                        .toList());
    }

    private static List<JsonObject> objects(JsonArray array) {
        return array == null ? List.of() : array.getValuesAs(JsonObject.class);
    }

    public Optional<Choice> choice(String name) {
        return choices.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<Table> table(String name) {
        return tables.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The columns on one table, in the file's order. */
    public List<Column> columns(String table) {
        return columns.stream().filter(c -> c.table().equals(table)).toList();
    }

    /** The tables columns are added to, the solution's own first, in the file's order. */
    public List<String> tablesWithColumns() {
        List<String> own = tables.stream().map(Table::name).toList();
        return Stream.concat(
                        own.stream(),
                        columns.stream().map(Column::table).filter(t -> !own.contains(t)))
                .distinct()
                .toList();
    }
}
