package dev.spotbridge.sandbox;

import java.util.Map;
import java.util.Optional;

/** The tables the Dataverse sandbox models: entity set → logical name and primary id column. */
final class DataverseTables {

    record Table(String set, String entity, String idColumn, Map<String, Object> defaults) {}

    private static final Map<String, Table> BY_SET =
            Map.of(
                    "contacts", record("contacts", "contact"),
                    "leads", record("leads", "lead"),
                    "accounts", record("accounts", "account"),
                    "sb_permissions",
                            new Table(
                                    "sb_permissions", "sb_permission", "sb_permissionid", Map.of()),
                    "tasks",
                            new Table(
                                    "tasks",
                                    "task",
                                    "activityid",
                                    Map.of("statecode", 0, "statuscode", 2)),
                    "lists",
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
                                            2)),
                    "listmembers", new Table("listmembers", "listmember", "listmemberid", Map.of()),
                    "emails",
                            new Table(
                                    "emails",
                                    "email",
                                    "activityid",
                                    Map.of("statecode", 0, "statuscode", 1)),
                    "phonecalls",
                            new Table(
                                    "phonecalls",
                                    "phonecall",
                                    "activityid",
                                    Map.of("statecode", 0, "statuscode", 1)),
                    "sb_syncjobs",
                            new Table(
                                    "sb_syncjobs",
                                    "sb_syncjob",
                                    "sb_syncjobid",
                                    Map.of("sb_status", 100000000)));

    /** list.createdfromcode → the member table. */
    static final Map<Integer, String> MEMBER_TYPES = Map.of(1, "account", 2, "contact", 4, "lead");

    private DataverseTables() {}

    /** Customer tables carry the Spotbridge solution's columns with their defaults. */
    private static Table record(String set, String entity) {
        return new Table(
                set,
                entity,
                entity + "id",
                Map.of(
                        "statecode",
                        0,
                        "statuscode",
                        1,
                        "donotbulkemail",
                        false,
                        "sb_syncenabled",
                        true));
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
