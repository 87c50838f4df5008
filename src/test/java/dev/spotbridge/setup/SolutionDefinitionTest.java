package dev.spotbridge.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.dataverse.SyncLogRow;
import dev.spotbridge.mapping.Mapping;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.setup.SolutionDefinition.Choice;
import dev.spotbridge.setup.SolutionDefinition.Column;
import dev.spotbridge.writeback.StatusWriteback;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The solution's definition (src/main/dataverse/solution.json) is the one place that says which
 * columns, choices and values exist: the code's column names and option values and the tables of
 * docs/dataverse-solution.md must agree with it.
 */
class SolutionDefinitionTest {

    private static final SolutionDefinition DEFINITION = load();

    private static SolutionDefinition load() {
        try (InputStream in = Files.newInputStream(Path.of("src/main/dataverse/solution.json"))) {
            return SolutionDefinition.parse(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> options(String choice) {
        return DEFINITION.choice(choice).orElseThrow().options().stream()
                .collect(
                        Collectors.toMap(
                                SolutionDefinition.Option::label,
                                SolutionDefinition.Option::value));
    }

    @Test
    void everyNameIsPrefixedAndEveryValueCarriesThePublishersOptionPrefix() {
        String prefix = DEFINITION.publisher().prefix() + "_";
        int base = DEFINITION.publisher().optionValuePrefix() * 10000;
        DEFINITION.tables().forEach(t -> assertTrue(t.name().startsWith(prefix), t.name()));
        DEFINITION.columns().forEach(c -> assertTrue(c.name().startsWith(prefix), c.key()));
        for (Choice choice : DEFINITION.choices()) {
            assertTrue(choice.name().startsWith(prefix), choice.name());
            Set<Integer> values = new HashSet<>();
            for (SolutionDefinition.Option o : choice.options()) {
                assertTrue(o.value() >= base && o.value() < base + 10000, choice.name() + " " + o);
                assertTrue(values.add(o.value()), "a value twice in " + choice.name());
            }
        }
        Set<String> keys = new HashSet<>();
        DEFINITION.columns().forEach(c -> assertTrue(keys.add(c.key()), "twice: " + c.key()));
    }

    @Test
    void columnsReferToChoicesAndTablesThatExist() {
        for (Column c : DEFINITION.columns()) {
            switch (c.type()) {
                case "choice" -> assertTrue(DEFINITION.choice(c.choice()).isPresent(), c.key());
                case "lookup" -> assertTrue(c.target() != null, c.key());
                case "text", "memo" ->
                        assertTrue(c.maxLength() != null, c.key() + " needs a length");
                case "integer", "boolean", "datetime" -> {}
                default -> throw new AssertionError(c.key() + ": no type " + c.type());
            }
            if (c.table().startsWith("sb_")) {
                assertTrue(DEFINITION.table(c.table()).isPresent(), c.key());
            }
        }
    }

    @Test
    void theCodesOptionValuesAreTheSolutions() {
        Map<String, Integer> status = options("sb_syncstatus");
        Map<String, Integer> configured =
                Arrays.stream(StatusWriteback.DEFAULT_STATUS_VALUES.split(","))
                        .map(pair -> pair.split("="))
                        .collect(Collectors.toMap(p -> p[0], p -> Integer.parseInt(p[1])));
        assertEquals(status, configured);

        Map<String, Integer> operations = options("sb_joboperation");
        for (SyncJobRow.Operation o : SyncJobRow.Operation.values()) {
            assertEquals(operations.get(camel(o.name())), o.value(), o.name());
        }
        assertEquals(operations.size(), SyncJobRow.Operation.values().length);
        Map<String, Integer> jobStatus = options("sb_jobstatus");
        for (SyncJobRow.Status s : SyncJobRow.Status.values()) {
            assertEquals(jobStatus.get(camel(s.name())), s.value(), s.name());
        }
        Map<String, Integer> events = options("sb_syncevent");
        for (SyncEvent e : SyncEvent.values()) {
            assertEquals(events.get(SyncLogRow.label(e)), SyncLogRow.optionValue(e), e.name());
        }
        assertEquals(events.size(), SyncEvent.values().length);
    }

    /** SYNC_LIST → SyncList. */
    private static String camel(String constant) {
        return Arrays.stream(constant.split("_"))
                .map(w -> w.charAt(0) + w.substring(1).toLowerCase())
                .collect(Collectors.joining());
    }

    @Test
    void everySolutionNameTheCodeSpellsIsDefined() throws IOException {
        Set<String> defined = new HashSet<>();
        DEFINITION
                .tables()
                .forEach(
                        t ->
                                defined.addAll(
                                        List.of(
                                                t.name(),
                                                t.name() + "id",
                                                t.set(),
                                                t.primaryName())));
        DEFINITION.columns().forEach(c -> defined.add(c.name()));
        DEFINITION.choices().forEach(c -> defined.add(c.name()));
        // the names of the XML parts (the Spotler tab and its sections)
        Matcher named =
                Pattern.compile("name=\"(sb_[a-z_]+)\"")
                        .matcher(
                                Files.readString(Path.of("src/main/dataverse/customizations.xml")));
        while (named.find()) {
            defined.add(named.group(1));
        }
        Pattern literal = Pattern.compile("\"_?(sb_[a-z_]+?)(?:_value)?\"");
        Set<String> unknown = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = literal.matcher(Files.readString(file));
                while (m.find()) {
                    if (!defined.contains(m.group(1))) {
                        unknown.add(m.group(1) + " in " + file.getFileName());
                    }
                }
            }
        }
        assertTrue(unknown.isEmpty(), "spelled in the code, not in solution.json: " + unknown);
    }

    @Test
    void theDocsListEveryTableChoiceAndColumnAsDefined() throws IOException {
        String docs = Files.readString(Path.of("docs/dataverse-solution.md"));
        for (Column c : DEFINITION.columns()) {
            assertTrue(
                    docs.contains("| " + c.table() + " | `" + c.name() + "` |"),
                    "docs/dataverse-solution.md lacks the row of " + c.key());
        }
        for (SolutionDefinition.Table t : DEFINITION.tables()) {
            assertTrue(docs.contains("| `" + t.name() + "` | `" + t.set() + "` |"), t.name());
        }
        for (Choice choice : DEFINITION.choices()) {
            String options =
                    choice.options().stream()
                            .map(o -> o.label() + " = " + o.value())
                            .collect(Collectors.joining(", "));
            assertTrue(
                    docs.contains("| `" + choice.name() + "` | " + options + " |"),
                    "docs/dataverse-solution.md lacks " + choice.name() + ": " + options);
        }
    }

    @Test
    void stepsNeverFilterOnWhatSpotbridgeWritesBackAndCoverTheMapping() {
        List<WebhookSteps.StepSpec> steps = WebhookSteps.desired(Mapping.defaults());
        for (String table : List.of("contact", "lead", "account")) {
            WebhookSteps.StepSpec update =
                    steps.stream()
                            .filter(s -> s.name().equals("Spotbridge: Update of " + table))
                            .findFirst()
                            .orElseThrow();
            Set<String> filtering = DataverseSetup.columnSet(update.filteringAttributes());
            assertTrue(filtering.containsAll(Mapping.defaults().columns(table)), table);
            assertTrue(
                    filtering.containsAll(
                            List.of("statecode", "donotbulkemail", "sb_syncenabled")));
            WebhookSteps.WRITTEN_BACK.forEach(c -> assertFalse(filtering.contains(c), c));
            assertEquals("PostImage", update.images().get(0).alias());
        }
        Set<String> names = new HashSet<>();
        steps.forEach(s -> assertTrue(names.add(s.name()), "twice: " + s.name()));
    }

    /**
     * The XML parts refer only to what the solution defines: every sb_ column a form or a view
     * names exists on its table, every subgrid shows a view of the file through a relationship of a
     * lookup, every ribbon label and command function exists, the web resource is in the repo.
     */
    @Test
    void theXmlPartsReferToWhatTheSolutionDefines() throws Exception {
        String xml = Files.readString(Path.of("src/main/dataverse/customizations.xml"));
        org.w3c.dom.Document doc =
                javax.xml.parsers.DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(new java.io.ByteArrayInputStream(xml.getBytes()));
        Set<String> columns = new HashSet<>();
        DEFINITION.columns().forEach(c -> columns.add(c.table() + "." + c.name()));
        DEFINITION
                .tables()
                .forEach(
                        t -> {
                            columns.add(t.name() + "." + t.primaryName());
                            columns.add(t.name() + "." + t.name() + "id");
                        });
        Set<String> viewIds = new HashSet<>();
        org.w3c.dom.NodeList views = doc.getElementsByTagName("savedqueryid");
        for (int i = 0; i < views.getLength(); i++) {
            assertTrue(viewIds.add(views.item(i).getTextContent()), "a view id twice");
        }
        assertEquals(
                Set.of(
                        "Spotler: failed syncs (contacts)",
                        "Spotler: opted out (contacts)",
                        "Spotler: sync disabled (contacts)",
                        "Spotler jobs by status",
                        "Spotler: open bounce tasks"),
                Set.of(
                                "Spotler: failed syncs (contacts)",
                                "Spotler: opted out (contacts)",
                                "Spotler: sync disabled (contacts)",
                                "Spotler jobs by status",
                                "Spotler: open bounce tasks")
                        .stream()
                        .filter(v -> xml.contains("description=\"" + v + "\""))
                        .collect(Collectors.toSet()),
                "the views the issue names");
        org.w3c.dom.NodeList entities = doc.getElementsByTagName("Entity");
        for (int e = 0; e < entities.getLength(); e++) {
            org.w3c.dom.Element entity = (org.w3c.dom.Element) entities.item(e);
            String table =
                    entity.getElementsByTagName("Name").item(0).getTextContent().toLowerCase();
            org.w3c.dom.NodeList controls = entity.getElementsByTagName("control");
            for (int c = 0; c < controls.getLength(); c++) {
                org.w3c.dom.Element control = (org.w3c.dom.Element) controls.item(c);
                String field = control.getAttribute("datafieldname");
                if (field.startsWith("sb_")) {
                    assertTrue(columns.contains(table + "." + field), table + "." + field);
                }
                org.w3c.dom.NodeList target = control.getElementsByTagName("TargetEntityType");
                if (target.getLength() > 0) {
                    String child = target.item(0).getTextContent();
                    String relationship =
                            control.getElementsByTagName("RelationshipName")
                                    .item(0)
                                    .getTextContent();
                    assertEquals(
                            "sb_" + table + "_" + child + "_sb_" + table + "id",
                            relationship,
                            "the relationship setup makes for " + child + ".sb_" + table + "id");
                    assertTrue(columns.contains(child + ".sb_" + table + "id"), relationship);
                    assertTrue(
                            viewIds.contains(
                                    control.getElementsByTagName("ViewId")
                                            .item(0)
                                            .getTextContent()),
                            "the subgrid's view is in the file");
                }
            }
            org.w3c.dom.NodeList fetched = entity.getElementsByTagName("attribute");
            for (int a = 0; a < fetched.getLength(); a++) {
                String column = ((org.w3c.dom.Element) fetched.item(a)).getAttribute("name");
                if (column.startsWith("sb_")) {
                    assertTrue(columns.contains(table + "." + column), table + "." + column);
                }
            }
        }
        String js = Files.readString(Path.of("src/main/dataverse/WebResources/spotbridge.js"));
        Matcher functions = Pattern.compile("FunctionName=\"Spotbridge\\.(\\w+)\"").matcher(xml);
        int commands = 0;
        while (functions.find()) {
            commands++;
            assertTrue(js.contains("ns." + functions.group(1) + " = function"), functions.group());
        }
        assertEquals(5, commands, "list form and grid, contact, lead and account forms");
        Matcher labels = Pattern.compile("\\$LocLabels:([\\w.]+)").matcher(xml);
        while (labels.find()) {
            assertTrue(xml.contains("<LocLabel Id=\"" + labels.group(1) + "\">"), labels.group());
        }
        assertTrue(
                js.contains("SYNC_LIST = " + SyncJobRow.Operation.SYNC_LIST.value())
                        && js.contains(
                                "SYNC_CONTACTS = " + SyncJobRow.Operation.SYNC_CONTACTS.value()),
                "the commands' option values are the solution's");
    }
}
