package dev.spotbridge.sandbox;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandbox org's plug-in registration: the SDK messages and their filters (seeded, as every org
 * has them; filters of a custom table appear when it is created), the main forms of contact, lead
 * and account, and the lookup of the enabled steps a change of a row meets.
 */
@ApplicationScoped
public class DataverseRegistrations {

    static final List<String> MESSAGES =
            List.of(
                    "Create",
                    "Update",
                    "Delete",
                    "Assign",
                    "SetState",
                    "SetStateDynamicEntity",
                    "Merge",
                    "Restore",
                    "Associate",
                    "Disassociate",
                    "AddMember",
                    "AddListMembers",
                    "RemoveMember",
                    "QualifyMemberList",
                    "CopyMembersList",
                    "CopyDynamicListToStatic");

    /** The main forms of a fresh org (systemform type 2), by table. */
    static final Map<String, String> MAIN_FORMS =
            Map.of(
                    "contact", "1fed44d1-ae68-4a41-bd2b-f13acac4acfa",
                    "lead", "e3b6ddb7-8df0-4410-ac7b-fd32e5053d38",
                    "account", "8448b78f-8f42-454e-8e2a-f8196b0419af");

    @Inject SandboxStore store;

    @Inject DataverseMetadata metadata;

    @Inject DataverseSecurity security;

    void seed(@Observes @Initialized(ApplicationScoped.class) Object started) {
        for (String message : MESSAGES) {
            store.update(
                    "dataverse.sdkmessage",
                    messageId(message),
                    c ->
                            Json.createObjectBuilder()
                                    .add("sdkmessageid", messageId(message))
                                    .add("name", message)
                                    .add("versionnumber", 1)
                                    .build());
        }
        for (String table :
                List.of("contact", "lead", "account", "list", "task", "email", "phonecall")) {
            filters(table);
        }
        metadata.customTables().forEach(this::filters);
        forms();
        security.seed();
    }

    /**
     * The main forms of contact, lead and account as a fresh org has them: one Summary tab with the
     * table's name and email columns (the Spotler tab comes with setup's import).
     */
    void forms() {
        MAIN_FORMS.forEach(
                (table, id) ->
                        store.update(
                                "dataverse.systemform",
                                id,
                                c ->
                                        c != null
                                                ? c
                                                : Json.createObjectBuilder()
                                                        .add("formid", id)
                                                        .add(
                                                                "name",
                                                                Character.toUpperCase(
                                                                                table.charAt(0))
                                                                        + table.substring(1))
                                                        .add("objecttypecode", table)
                                                        .add("type", 2)
                                                        .add("formactivationstate", 1)
                                                        .add("formxml", formXml(table))
                                                        .add("versionnumber", 1)
                                                        .build()));
    }

    private static String formXml(String table) {
        String name = "account".equals(table) ? "name" : "fullname";
        return "<form><tabs><tab name=\"SUMMARY_TAB\" id=\"{"
                + DataverseMetadata.id("form/" + table + "/summary")
                + "}\" showlabel=\"true\" expanded=\"true\"><labels><label description=\"Summary\""
                + " languagecode=\"1033\" /></labels><columns><column width=\"100%\"><sections>"
                + "<section name=\"GENERAL\" showlabel=\"true\" columns=\"1\"><labels><label"
                + " description=\"General\" languagecode=\"1033\" /></labels><rows>"
                + "<row><cell><control id=\""
                + name
                + "\" classid=\"{4273EDBD-AC1D-40d3-9FB2-095C621B552D}\" datafieldname=\""
                + name
                + "\" /></cell></row>"
                + "<row><cell><control id=\"emailaddress1\""
                + " classid=\"{ADA2203E-B4CD-49be-9DDF-234642B43B52}\""
                + " datafieldname=\"emailaddress1\" /></cell></row>"
                + "</rows></section></sections></column></columns></tab></tabs></form>";
    }

    /** The message filters of a table: which messages steps may be registered on for it. */
    void filters(String table) {
        List<String> messages = new ArrayList<>(List.of("Create", "Update", "Delete", "Assign"));
        if (!List.of("task", "email", "phonecall", "listmember").contains(table)) {
            messages.addAll(List.of("SetState", "SetStateDynamicEntity"));
        }
        if (List.of("contact", "lead", "account").contains(table)) {
            messages.add("Merge");
            messages.add("Restore");
        }
        if ("list".equals(table)) {
            messages.addAll(
                    List.of(
                            "AddMember",
                            "AddListMembers",
                            "RemoveMember",
                            "QualifyMemberList",
                            "CopyMembersList",
                            "CopyDynamicListToStatic"));
        }
        for (String message : messages) {
            String id = DataverseMetadata.id("filter/" + message + "/" + table);
            store.update(
                    "dataverse.sdkmessagefilter",
                    id,
                    c ->
                            Json.createObjectBuilder()
                                    .add("sdkmessagefilterid", id)
                                    .add("_sdkmessageid_value", messageId(message))
                                    .add("primaryobjecttypecode", table)
                                    .add("iscustomprocessingstepallowed", true)
                                    .add("versionnumber", 1)
                                    .build());
        }
    }

    static String messageId(String message) {
        return DataverseMetadata.id("message/" + message);
    }

    /** An enabled step and what it is registered on. */
    record Step(JsonObject row, String message, String table) {

        String id() {
            return row.getString("sdkmessageprocessingstepid");
        }
    }

    /** The enabled steps registered for a message of a table. */
    List<Step> steps(String message, String table) {
        List<Step> found = new ArrayList<>();
        for (JsonObject step : store.allCached("dataverse.sdkmessageprocessingstep")) {
            if (step.getInt("statecode", 0) != 0) {
                continue;
            }
            if (!messageId(message).equals(step.getString("_sdkmessageid_value", ""))) {
                continue;
            }
            String filterId = step.getString("_sdkmessagefilterid_value", "");
            boolean matches =
                    store.get("dataverse.sdkmessagefilter", filterId)
                            .map(f -> table.equals(f.getString("primaryobjecttypecode", "")))
                            .orElse(false);
            if (matches) {
                found.add(new Step(step, message, table));
            }
        }
        return found;
    }

    List<JsonObject> images(String stepId) {
        return store.all("dataverse.sdkmessageprocessingstepimage").stream()
                .filter(i -> stepId.equals(i.getString("_sdkmessageprocessingstepid_value", "")))
                .toList();
    }
}
