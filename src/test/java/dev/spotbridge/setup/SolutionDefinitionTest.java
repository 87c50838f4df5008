package dev.spotbridge.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.mapping.Mapping;
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
}
