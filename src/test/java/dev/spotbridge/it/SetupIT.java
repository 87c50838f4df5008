package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.ADMIN;
import static dev.spotbridge.it.AdminApi.adminPost;
import static dev.spotbridge.it.DataverseSandbox.dataverseRow;
import static dev.spotbridge.it.DataverseSandbox.dataverseRows;
import static dev.spotbridge.it.DataverseSandbox.dataverseToken;
import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.Http.send;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.it.Http.Answer;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Setup against the Dataverse sandbox from an empty org: the check says what is missing, setup
 * creates the solution and registers the steps, a second setup changes nothing, and a contact
 * created through the sandbox's Web API reaches Spotler by the webhook the sandbox raises. Drift
 * made by hand (a step disabled, a filtering attribute removed) and a mapping change are reported
 * exactly and repaired.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SetupIT {

    private static final String UPDATE_CONTACT = "Spotbridge: Update of contact";

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    /** The other ITs expect the default mapping and a set-up org. */
    @AfterAll
    static void restore() throws IOException {
        adminPost(
                "/api/mapping",
                Files.readString(Path.of("src/main/resources/mapping/default-mapping.json")));
        adminPost("/api/setup/dataverse");
    }

    private static JsonObject check() {
        Answer a = Http.get(BASE + "/api/setup/check", ADMIN);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    private static JsonObject setup(boolean dryRun) {
        Answer a = adminPost("/api/setup/dataverse" + (dryRun ? "?dryRun=true" : ""));
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    private static List<JsonObject> notOk(JsonObject check) {
        return check.getJsonArray("items").getValuesAs(JsonObject.class).stream()
                .filter(i -> !"OK".equals(i.getString("status")))
                .toList();
    }

    private static JsonObject item(JsonObject check, String area, String name) {
        return check.getJsonArray("items").getValuesAs(JsonObject.class).stream()
                .filter(i -> area.equals(i.getString("area")) && name.equals(i.getString("name")))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no item " + area + " " + name + " in " + check));
    }

    private static JsonObject updateContactStep() {
        JsonArray steps =
                dataverseRows("sdkmessageprocessingsteps", "name eq '" + UPDATE_CONTACT + "'");
        assertEquals(1, steps.size(), steps.toString());
        return steps.getJsonObject(0);
    }

    /** A call of the Dataverse sandbox's Web API, as any Dataverse client makes it. */
    private static Answer api(String method, String path, JsonObject body) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(
                                URI.create(BASE + "/sandbox/dataverse/api/data/v9.2/" + path))
                        .header("Authorization", "Bearer " + dataverseToken());
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if ("PATCH".equals(method)) {
            request.header("If-Match", "*");
        }
        return send(
                request.method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body.toString()))
                        .build());
    }

    private static void patch(String path, JsonObject body) {
        Answer a = api("PATCH", path, body);
        assertEquals(204, a.status(), a.body());
    }

    /**
     * Contacts synced before the solution is in the org (a first start whose setup has not
     * finished): their status write-back is refused for the column sb_syncstatus the org lacks. It
     * waits on its queue, as in an outage, instead of being split and written row by row (which
     * spent the request budget on refusals) and dead-lettered; once the setup has run, it is
     * written.
     */
    @Test
    void statusWriteBacksWaitForTheSolutionAndAreWrittenOnceItIsThere() throws Exception {
        DataverseSandbox.resetCustomizations();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String id = UUID.randomUUID().toString();
            String email = "early." + id.substring(0, 8) + "@example.com";
            DataverseSandbox.dataverseUpsert(
                    "contacts",
                    id,
                    Json.createObjectBuilder()
                            .add("firstname", "Early")
                            .add("lastname", "Bird" + i)
                            .add("emailaddress1", email)
                            .add("statecode", 0)
                            .build());
            Map<String, Object> columns = new java.util.LinkedHashMap<>();
            columns.put("firstname", "Early");
            columns.put("lastname", "Bird" + i);
            columns.put("emailaddress1", email);
            assertEquals(
                    202,
                    Webhooks.webhook(
                                    Contexts.create(
                                            "contact", id, columns, Instant.now().minusSeconds(5)))
                            .status());
            ids.add(id);
        }
        for (String id : ids) {
            await(() -> spotlerContact(id), c -> c.isPresent(), "the contact in Spotler");
        }
        // the write-back meets the missing column and waits (tried every 0.5 s in the ITs)
        long before = DataverseSandbox.dataverseRequests();
        Thread.sleep(4_000);
        long spent = DataverseSandbox.dataverseRequests() - before;
        assertTrue(
                spent < 40,
                spent + " Dataverse requests in 4 s of waiting: one per try, not one per row");
        for (String id : ids) {
            assertFalse(
                    dataverseRow("contacts", id).orElseThrow().containsKey("sb_syncstatus"),
                    "nothing written to a column the org does not have");
        }

        assertTrue(setup(false).getJsonObject("check").getBoolean("ok"));
        for (String id : ids) {
            JsonObject row =
                    await(
                            () -> dataverseRow("contacts", id).orElseThrow(),
                            r -> r.containsKey("sb_syncstatus") && !r.isNull("sb_syncstatus"),
                            "the status written back once the solution is there",
                            Duration.ofSeconds(60));
            assertEquals(100000000, row.getInt("sb_syncstatus"), row.toString());
            assertTrue(
                    AdminApi.deadLetters().stream()
                            .noneMatch(m -> id.equals(m.asJsonObject().getString("recordId", ""))),
                    "nothing of " + id + " dead-lettered");
        }
    }

    @Test
    void fromAnEmptyOrgToAContactThatReachesSpotlerByItself() {
        DataverseSandbox.resetCustomizations();

        JsonObject before = check();
        assertFalse(before.getBoolean("ok"), before.toString());
        assertEquals("MISSING", item(before, "table", "sb_permission").getString("status"));
        assertEquals(
                "MISSING", item(before, "column", "contact.sb_lastsyncerror").getString("status"));
        assertEquals("MISSING", item(before, "step", UPDATE_CONTACT).getString("status"));
        assertEquals(
                "POST /api/setup/dataverse",
                item(before, "column", "contact.sb_syncstatus").getString("fix"));

        assertEquals("MISSING", item(before, "role", "Spotbridge Integration").getString("status"));
        assertEquals(
                "MISSING",
                item(before, "application user", "runtime application user # Spotbridge")
                        .getString("status"));

        JsonObject dry = setup(true);
        assertTrue(dry.getInt("changes") > 40, dry.toString());
        assertEquals(
                "MISSING",
                item(check(), "table", "sb_synclog").getString("status"),
                "the dry run wrote nothing");

        JsonObject done = setup(false);
        assertTrue(done.getInt("changes") > 40, done.toString());
        assertTrue(done.getJsonObject("check").getBoolean("ok"), done.toString());
        JsonObject after = check();
        assertTrue(after.getBoolean("ok"), notOk(after).toString());

        // the Spotler tab joined the org's main form, whose own tab stays; views and commands exist
        String formXml = contactForm().getString("formxml");
        assertTrue(formXml.contains("name=\"sb_spotler\""), formXml);
        assertTrue(formXml.contains("name=\"SUMMARY_TAB\""), formXml);
        assertEquals("OK", item(after, "form", "contact / Contact").getString("status"));
        assertEquals(
                "OK", item(after, "view", "Spotler: failed syncs (contacts)").getString("status"));
        assertEquals(
                "OK", item(after, "web resource", "sb_/scripts/spotbridge.js").getString("status"));

        JsonObject again = setup(false);
        assertEquals(0, again.getInt("changes"), again.toString());
        assertEquals("nothing to change", again.getString("message"));

        // the sandbox raises the webhook of a contact created through its Web API
        String id = UUID.randomUUID().toString();
        createContact(id, "Sanne", "de Vries", "sanne." + id.substring(0, 8) + "@example.com");
        JsonObject contact =
                await(() -> spotlerContact(id), c -> c.isPresent(), "the contact in Spotler")
                        .orElseThrow();
        assertEquals("de Vries", contact.getJsonObject("properties").getString("lastName"));
        JsonObject row =
                await(
                        () -> dataverseRow("contacts", id).orElseThrow(),
                        r -> r.containsKey("sb_lastsyncedon") && !r.isNull("sb_lastsyncedon"),
                        "the sync status written back");
        assertEquals(100000000, row.getInt("sb_syncstatus"), row.toString());

        // an update through the Web API arrives too, filtered by the step's attributes
        patch("contacts(" + id + ")", Json.createObjectBuilder().add("lastname", "Visser").build());
        await(
                () ->
                        spotlerContact(id)
                                .orElseThrow()
                                .getJsonObject("properties")
                                .getString("lastName"),
                "Visser"::equals,
                "the update in Spotler");
        assertEquals(
                0,
                dataverseRows("sb_synclogs", "_sb_contactid_value eq " + id).size(),
                "routine successes stay out of the D365 history");

        // the first sync gave the contact one sb_permission row per permission of the account
        List<Integer> accountBits = accountPermissionBits();
        JsonArray rows =
                await(
                        () -> dataverseRows("sb_permissions", "_sb_contactid_value eq " + id),
                        r -> r.size() >= accountBits.size(),
                        "a row per permission");
        assertEquals(
                accountBits,
                rows.getValuesAs(JsonObject.class).stream()
                        .map(r -> r.getInt("sb_bit"))
                        .sorted()
                        .toList());
        rows.getValuesAs(JsonObject.class)
                .forEach(r -> assertFalse(r.getBoolean("sb_subscribed"), r.toString()));
        // they were created without asynchronous steps: no webhook echoes them back
        Http.pause(2000);
        String history =
                AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
        assertFalse(history.contains("sb_permission Create"), history);

        // a permission switched on in Spotler (a form) reaches its row with the hourly pull
        int bit = accountBits.get(0);
        Answer subscribed =
                SpotlerSandbox.spotler(
                        "PUT",
                        "/contact/" + id,
                        "{\"purge\":false,\"contact\":{\"externalId\":\""
                                + id
                                + "\",\"properties\":{\"permissions\":[{\"bit\":"
                                + bit
                                + ",\"enabled\":true}]}}}");
        assertEquals(204, subscribed.status(), subscribed.body());
        assertEquals(200, adminPost("/api/backsync/run").status());
        await(
                () ->
                        dataverseRows(
                                "sb_permissions",
                                "_sb_contactid_value eq " + id + " and sb_bit eq " + bit),
                r -> r.size() == 1 && r.getJsonObject(0).getBoolean("sb_subscribed"),
                "the row subscribed as Spotler says");
        await(
                () -> dataverseRows("sb_synclogs", "_sb_contactid_value eq " + id),
                l ->
                        l.getValuesAs(JsonObject.class).stream()
                                .anyMatch(r -> r.getInt("sb_event") == 100000006),
                "the consent change in the record's D365 history");

        // a failure: status, the reason in words and a history row reach D365; the fix clears it
        String bad = UUID.randomUUID().toString();
        createContact(bad, "Bram", "Bakker", "not-an-email");
        JsonObject failed =
                await(
                        () -> dataverseRow("contacts", bad).orElseThrow(),
                        r ->
                                r.containsKey("sb_syncstatus")
                                        && r.getInt("sb_syncstatus") == 100000002,
                        "status Failed written back");
        assertTrue(
                failed.getString("sb_lastsyncerror").contains("Email is invalid"),
                failed.toString());
        JsonArray logs =
                await(
                        () -> dataverseRows("sb_synclogs", "_sb_contactid_value eq " + bad),
                        l -> !l.isEmpty(),
                        "the failure in the record's D365 history");
        JsonObject log = logs.getJsonObject(0);
        assertEquals(100000001, log.getInt("sb_event"), log.toString());
        assertTrue(log.getString("sb_detail").contains("Email is invalid"), log.toString());
        assertTrue(log.getString("sb_name").startsWith("Failed: "), log.toString());

        patch(
                "contacts(" + bad + ")",
                Json.createObjectBuilder()
                        .add("emailaddress1", "fixed." + bad.substring(0, 8) + "@example.com")
                        .build());
        JsonObject fixed =
                await(
                        () -> dataverseRow("contacts", bad).orElseThrow(),
                        r -> r.getInt("sb_syncstatus") == 100000000,
                        "status Succeeded written back");
        assertTrue(fixed.isNull("sb_lastsyncerror"), fixed.toString());

        // disabling is an event of the D365 history
        patch(
                "contacts(" + bad + ")",
                Json.createObjectBuilder().add("sb_syncenabled", false).build());
        await(
                () -> dataverseRows("sb_synclogs", "_sb_contactid_value eq " + bad),
                l ->
                        l.getValuesAs(JsonObject.class).stream()
                                .anyMatch(r -> r.getInt("sb_event") == 100000005),
                "the disabling in the record's D365 history");
    }

    private static List<JsonObject> rolePrivileges(String roleId) {
        Answer a =
                api(
                        "GET",
                        "roles(" + roleId + ")/Microsoft.Dynamics.CRM.RetrieveRolePrivilegesRole()",
                        null);
        assertEquals(200, a.status(), a.body());
        return a.json().getJsonArray("RolePrivileges").getValuesAs(JsonObject.class);
    }

    /** The permission bits of the Spotler account (GET /contact/properties/list), ascending. */
    private static List<Integer> accountPermissionBits() {
        Answer a = SpotlerSandbox.spotler("GET", "/contact/properties/list", null);
        assertEquals(200, a.status(), a.body());
        return Http.parse(a.body()).asJsonArray().getValuesAs(JsonObject.class).stream()
                .filter(p -> "permissions".equals(p.getString("name", "")))
                .flatMap(p -> p.getJsonArray("entries").getValuesAs(JsonObject.class).stream())
                .map(e -> e.getInt("bit"))
                .sorted()
                .toList();
    }

    private static final String CONTACT_FORM = "1fed44d1-ae68-4a41-bd2b-f13acac4acfa";

    private static JsonObject contactForm() {
        return dataverseRow("systemforms", CONTACT_FORM).orElseThrow();
    }

    private static void createContact(String id, String first, String last, String email) {
        Answer created =
                api(
                        "POST",
                        "contacts",
                        Json.createObjectBuilder()
                                .add("contactid", id)
                                .add("firstname", first)
                                .add("lastname", last)
                                .add("emailaddress1", email)
                                .build());
        assertEquals(204, created.status(), created.body());
    }

    @Test
    void driftByHandIsReportedExactlyAndSetupRepairsIt() throws IOException {
        setup(false);
        JsonObject step = updateContactStep();
        String stepId = step.getString("sdkmessageprocessingstepid");
        String filtering = step.getString("filteringattributes");
        assertTrue(filtering.contains("lastname"), filtering);
        assertFalse(filtering.contains("sb_syncstatus"), filtering);
        patch(
                "sdkmessageprocessingsteps(" + stepId + ")",
                Json.createObjectBuilder()
                        .add("statecode", 1)
                        .add("statuscode", 2)
                        .add("filteringattributes", filtering.replace("lastname,", ""))
                        .build());

        JsonObject check = check();
        List<JsonObject> wrong = notOk(check);
        assertEquals(1, wrong.size(), wrong.toString());
        JsonObject drift = wrong.get(0);
        assertEquals(UPDATE_CONTACT, drift.getString("name"));
        assertEquals("DRIFTED", drift.getString("status"));
        assertTrue(drift.getString("detail").contains("disabled"), drift.toString());
        assertTrue(drift.getString("detail").contains("lack lastname"), drift.toString());
        assertEquals("POST /api/setup/dataverse", drift.getString("fix"));

        JsonObject repaired = setup(false);
        assertEquals(1, repaired.getInt("changes"), repaired.toString());
        assertTrue(check().getBoolean("ok"));
        JsonObject now = updateContactStep();
        assertEquals(0, now.getInt("statecode"));
        assertEquals(filtering, now.getString("filteringattributes"));

        // a privilege given to the runtime role by hand is more than it needs: setup takes it away
        String roleId =
                dataverseRows("roles", "name eq 'Spotbridge Integration'")
                        .getJsonObject(0)
                        .getString("roleid");
        JsonArrayBuilder privileges = Json.createArrayBuilder();
        rolePrivileges(roleId)
                .forEach(
                        p ->
                                privileges.add(
                                        Json.createObjectBuilder()
                                                .add("Depth", p.getString("Depth"))
                                                .add("PrivilegeId", p.getString("PrivilegeId"))));
        int granted = rolePrivileges(roleId).size();
        privileges.add(
                Json.createObjectBuilder()
                        .add("Depth", "Global")
                        .add(
                                "PrivilegeId",
                                dataverseRows("privileges", "name eq 'prvDeleteContact'")
                                        .getJsonObject(0)
                                        .getString("privilegeid")));
        Answer replaced =
                api(
                        "POST",
                        "roles(" + roleId + ")/Microsoft.Dynamics.CRM.ReplacePrivilegesRole",
                        Json.createObjectBuilder().add("Privileges", privileges).build());
        assertEquals(204, replaced.status(), replaced.body());
        List<JsonObject> tooMuch = notOk(check());
        assertEquals(1, tooMuch.size(), tooMuch.toString());
        assertEquals("Spotbridge Integration", tooMuch.get(0).getString("name"));
        assertTrue(
                tooMuch.get(0)
                        .getString("detail")
                        .contains("has privileges it does not need: prvDeleteContact"),
                tooMuch.toString());
        setup(false);
        assertEquals(granted, rolePrivileges(roleId).size());
        assertTrue(check().getBoolean("ok"));

        // the endpoint still has an older key (SPOTBRIDGE_WEBHOOK_KEY rotated): setup sets the
        // newest
        String endpointId =
                dataverseRows("serviceendpoints", "name eq 'Spotbridge webhook'")
                        .getJsonObject(0)
                        .getString("serviceendpointid");
        patch(
                "serviceendpoints(" + endpointId + ")",
                Json.createObjectBuilder()
                        .add("description", "Spotbridge webhook; key 000000000000")
                        .build());
        JsonObject oldKey = item(check(), "endpoint", "Spotbridge webhook");
        assertEquals("DRIFTED", oldKey.getString("status"));
        assertTrue(oldKey.getString("detail").contains("not the newest"), oldKey.toString());
        setup(false);
        assertTrue(check().getBoolean("ok"));

        // an edition without audiences: the check says so, and what it means
        SpotlerSandbox.spotlerFault(
                "{\"status\":403,\"count\":1,\"method\":\"GET\",\"path\":\"audience\"}");
        try {
            JsonObject noAudiences = item(check(), "spotler", "audiences (marketing lists)");
            assertEquals("DRIFTED", noAudiences.getString("status"));
            assertTrue(noAudiences.getString("detail").contains("no audiences (403)"));
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        assertEquals(
                "OK", item(check(), "spotler", "audiences (marketing lists)").getString("status"));

        // a customer's own form change stays when setup puts back the Spotler tab removed by hand
        String form = contactForm().getString("formxml");
        String customized =
                form.replaceFirst("(?s)<tab [^>]*name=\"sb_spotler\".*?</tab>", "")
                        .replace(
                                "</tabs>",
                                "<tab name=\"my_tab\" showlabel=\"true\"><labels><label"
                                        + " description=\"Mine\" languagecode=\"1033\" /></labels>"
                                        + "<columns><column width=\"100%\"><sections /></column>"
                                        + "</columns></tab></tabs>");
        assertFalse(customized.contains("sb_spotler"), customized);
        patch(
                "systemforms(" + CONTACT_FORM + ")",
                Json.createObjectBuilder().add("formxml", customized).build());
        JsonObject noTab = check();
        assertEquals(
                List.of("form contact / Contact"),
                notOk(noTab).stream()
                        .map(i -> i.getString("area") + " " + i.getString("name"))
                        .toList());
        setup(false);
        String merged = contactForm().getString("formxml");
        assertTrue(merged.contains("name=\"my_tab\""), merged);
        assertTrue(merged.contains("name=\"sb_spotler\""), merged);
        assertTrue(check().getBoolean("ok"));

        // a mapping change: the steps follow it
        JsonObject mapping =
                Http.parse(
                                Files.readString(
                                        Path.of("src/main/resources/mapping/default-mapping.json")))
                        .asJsonObject();
        JsonObject entities = mapping.getJsonObject("entities");
        String withJobTitle =
                Json.createObjectBuilder(mapping)
                        .add(
                                "entities",
                                Json.createObjectBuilder(entities)
                                        .add(
                                                "contact",
                                                Json.createObjectBuilder(
                                                                entities.getJsonObject("contact"))
                                                        .add("jobtitle", "customerType")))
                        .build()
                        .toString();
        Answer applied = adminPost("/api/mapping", withJobTitle);
        assertTrue(applied.status() == 200 || applied.status() == 201, applied.body());
        JsonObject stale = item(check(), "step", UPDATE_CONTACT);
        assertEquals("DRIFTED", stale.getString("status"));
        assertTrue(stale.getString("detail").contains("jobtitle"), stale.toString());
        setup(false);
        assertTrue(updateContactStep().getString("filteringattributes").contains("jobtitle"));
        assertTrue(check().getBoolean("ok"));
    }
}
