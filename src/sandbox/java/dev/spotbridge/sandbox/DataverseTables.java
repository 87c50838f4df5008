package dev.spotbridge.sandbox;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * D365's own tables the Dataverse sandbox models: entity set → logical name, primary id column and
 * the defaults of a new row. Tables created through the metadata API come from {@link
 * DataverseMetadata}.
 */
final class DataverseTables {

    record Table(String set, String entity, String idColumn, Map<String, Object> defaults) {}

    private static final Map<String, Table> BY_SET = new HashMap<>();

    static {
        add(record("contacts", "contact"));
        add(record("leads", "lead"));
        add(record("accounts", "account"));
        add(new Table("tasks", "task", "activityid", Map.of("statecode", 0, "statuscode", 2)));
        add(
                new Table(
                        "lists",
                        "list",
                        "listid",
                        Map.of(
                                "statecode",
                                0,
                                "statuscode",
                                0,
                                "type",
                                false,
                                "createdfromcode",
                                2)));
        add(new Table("listmembers", "listmember", "listmemberid", Map.of()));
        add(new Table("emails", "email", "activityid", Map.of("statecode", 0, "statuscode", 1)));
        add(
                new Table(
                        "phonecalls",
                        "phonecall",
                        "activityid",
                        Map.of("statecode", 0, "statuscode", 1)));
        // the org's solutions and plug-in registration (setup writes these)
        add(system("publishers", "publisher"));
        add(system("solutions", "solution"));
        add(system("solutioncomponents", "solutioncomponent"));
        add(
                new Table(
                        "serviceendpoints",
                        "serviceendpoint",
                        "serviceendpointid",
                        Map.of("statecode", 0, "statuscode", 1)));
        add(system("sdkmessages", "sdkmessage"));
        add(system("sdkmessagefilters", "sdkmessagefilter"));
        add(
                new Table(
                        "sdkmessageprocessingsteps",
                        "sdkmessageprocessingstep",
                        "sdkmessageprocessingstepid",
                        Map.of("statecode", 0, "statuscode", 1, "asyncautodelete", false)));
        add(system("sdkmessageprocessingstepimages", "sdkmessageprocessingstepimage"));
        add(new Table("systemforms", "systemform", "formid", Map.of()));
        add(system("savedqueries", "savedquery"));
        add(new Table("webresourceset", "webresource", "webresourceid", Map.of()));
        add(system("asyncoperations", "asyncoperation"));
        add(system("importjobs", "importjob"));
        add(system("businessunits", "businessunit"));
        add(system("roles", "role"));
        add(system("privileges", "privilege"));
        add(system("systemusers", "systemuser"));
    }

    /** list.createdfromcode → the member table. */
    static final Map<Integer, String> MEMBER_TYPES = Map.of(1, "account", 2, "contact", 4, "lead");

    private DataverseTables() {}

    /** Customer tables: active, and allowing bulk email, when created. */
    private static Table record(String set, String entity) {
        return new Table(
                set,
                entity,
                entity + "id",
                Map.of("statecode", 0, "statuscode", 1, "donotbulkemail", false));
    }

    private static Table system(String set, String entity) {
        return new Table(set, entity, entity + "id", Map.of());
    }

    private static void add(Table table) {
        BY_SET.put(table.set(), table);
    }

    /** A table a caller created through the metadata API (custom tables start as active). */
    static Table custom(String set, String entity) {
        return new Table(set, entity, entity + "id", Map.of("statecode", 0, "statuscode", 1));
    }

    static Optional<Table> bySet(String set) {
        return Optional.ofNullable(BY_SET.get(set));
    }

    static Optional<Table> byEntity(String entity) {
        return BY_SET.values().stream().filter(t -> t.entity().equals(entity)).findFirst();
    }

    /**
     * The logical name behind an entity set named in an @odata.bind path (also sets not modelled
     * here).
     */
    static String entityOfSet(String set) {
        Table table = BY_SET.get(set);
        if (table != null) {
            return table.entity();
        }
        return set.endsWith("s") ? set.substring(0, set.length() - 1) : set;
    }
}
