package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.SpotlerSandbox.spotlerProperties;
import static dev.spotbridge.it.SpotlerSandbox.spotlerWrites;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Consent both ways, against both sandboxes: permissions and the bulk-email flag flow to Spotler;
 * an opt-out in Spotler flows back to D365 and stops the sync until a resync; bounces become owner
 * tasks; disabled records are never written; the echo of the status write-back writes nothing.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ConsentIT {

    static final String OWNER = DataverseSandbox.OWNER;
    static final int SUCCEEDED = 100000000;
    static final int OPT_OUT = 100000003;

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @AfterEach
    void clear() {
        DataverseSandbox.clearDataverseFault();
    }

    private static Map<String, Object> person(String email) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("firstname", "Eva");
        p.put("lastname", "Jansen");
        p.put("emailaddress1", email);
        p.put("address1_city", "Utrecht");
        p.put("donotbulkemail", false);
        p.put("sb_syncenabled", true);
        p.put("statecode", Contexts.option(0));
        return p;
    }

    /**
     * A contact that exists in both sandboxes: Dataverse holds the row, Spotler the synced contact.
     */
    private static String contact(Instant at) {
        String id = UUID.randomUUID().toString();
        String email = "eva." + id.substring(0, 8) + "@example.com";
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Eva")
                        .add("lastname", "Jansen")
                        .add("emailaddress1", email)
                        .add("address1_city", "Utrecht")
                        .add("donotbulkemail", false)
                        .add("sb_syncenabled", true)
                        .add("statecode", 0)
                        .add("ownerid@odata.bind", "/systemusers(" + DataverseSandbox.owner() + ")")
                        .build());
        assertEquals(202, webhook(Contexts.create("contact", id, person(email), at)).status());
        await(() -> spotlerContact(id).orElse(null), c -> true, "contact in Spotler");
        awaitHistory("contact", id, 1);
        return id;
    }

    private static String email(String id) {
        return spotlerProperties(id).getString("email");
    }

    private static String permission(String contactId, long bit, String name, boolean subscribed) {
        String row = DataverseSandbox.dataversePermission(contactId, bit, name, subscribed);
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("sb_bit", (int) bit);
        columns.put("sb_name", name);
        columns.put("sb_subscribed", subscribed);
        columns.put("sb_contactid", Contexts.reference("contact", contactId));
        assertEquals(
                202,
                webhook(Contexts.create("sb_permission", row, columns, Instant.now())).status());
        return row;
    }

    private static Map<Long, Boolean> bits(String id) {
        Map<Long, Boolean> bits = new LinkedHashMap<>();
        JsonArray permissions = spotlerProperties(id).getJsonArray("permissions");
        permissions.forEach(
                p ->
                        bits.put(
                                p.asJsonObject().getJsonNumber("bit").longValue(),
                                p.asJsonObject().getBoolean("enabled")));
        return bits;
    }

    private static boolean on(String id, long bit) {
        return Boolean.TRUE.equals(bits(id).get(bit));
    }

    private static String history(String id) {
        return AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
    }

    @Test
    void permissionRowsSwitchBitsOnAndOff() {
        String id = contact(Instant.now().minusSeconds(60));
        String row = permission(id, 2, "Offers", true);
        await(() -> on(id, 2), b -> b, "bit 2 on");
        assertFalse(on(id, 1));

        Map<String, Object> off = new LinkedHashMap<>();
        off.put("sb_subscribed", false);
        Map<String, Object> image = new LinkedHashMap<>(off);
        image.put("sb_bit", 2);
        image.put("sb_name", "Offers");
        image.put("sb_contactid", Contexts.reference("contact", id));
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "sb_permission",
                                        row,
                                        off,
                                        image,
                                        Instant.now(),
                                        UUID.randomUUID().toString()))
                        .status());
        await(() -> on(id, 2), b -> !b, "bit 2 off");
        // the Spotler write happens inside the consumer's transaction: wait for its commit
        await(
                () -> history(id),
                h -> h.contains("permission 2 (Offers): on → off (source D365)"),
                "consent ledger: off");
        assertTrue(
                history(id).contains("permission 2 (Offers): (unknown) → on (source D365)"),
                history(id));

        // a deleted row switches its bit off too
        String events = permission(id, 4, "Events", true);
        await(() -> on(id, 4), b -> b, "bit 4 on");
        assertEquals(202, webhook(Contexts.delete("sb_permission", events)).status());
        await(() -> on(id, 4), b -> !b, "bit 4 off after the row was deleted");
    }

    @Test
    void bulkEmailOptOutSwitchesEverythingOffAndOptInRestoresTheRows() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        permission(id, 1, "Newsletter", true);
        permission(id, 4, "Events", true);
        await(() -> on(id, 1) && on(id, 4), b -> b, "bits 1 and 4 on");

        Map<String, Object> optOut = person(email(id));
        optOut.put("donotbulkemail", true);
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("donotbulkemail", true),
                        optOut,
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString()));
        await(() -> bits(id).values().stream().noneMatch(b -> b), b -> b, "every bit off");
        assertEquals(
                3,
                bits(id).size(),
                "every permission of the account, not only the subscribed ones");

        Map<String, Object> optIn = person(email(id));
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("donotbulkemail", false),
                        optIn,
                        t0.plusSeconds(10),
                        UUID.randomUUID().toString()));
        await(
                () -> on(id, 1) && on(id, 4),
                b -> b,
                "bits 1 and 4 restored from the sb_permission rows");
        assertFalse(on(id, 2));
        await(
                () -> history(id),
                h -> h.contains("bulk email (donotbulkemail): allow → do not allow (source D365)"),
                "consent ledger: bulk email");
    }

    @Test
    void optOutInSpotlerIsDetectedOnTheNextSyncAndStopsTheSync() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        String email = email(id);
        SpotlerSandbox.spotlerOptOut(id);
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Jansen-Smit"),
                        with(person(email), "lastname", "Jansen-Smit"),
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString()));
        JsonObject record =
                await(
                        () -> AdminApi.record("contact", id).orElse(null),
                        r -> "OptOut".equals(r.getString("status")),
                        "status OptOut");
        assertTrue(
                record.getJsonArray("history")
                        .toString()
                        .contains("Spotler subscription: active → opted out (source Spotler)"));
        JsonObject row =
                await(
                        () -> DataverseSandbox.dataverseRow("contacts", id).orElse(null),
                        r ->
                                r.getBoolean("donotbulkemail")
                                        && r.getInt("sb_syncstatus", 0) == OPT_OUT,
                        "D365 patched: donotbulkemail and sb_syncstatus OptOut");
        assertTrue(row.getBoolean("donotbulkemail"));

        long writes = spotlerWrites();
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Later"),
                        with(person(email), "lastname", "Later"),
                        t0.plusSeconds(10),
                        UUID.randomUUID().toString()));
        awaitHistory("contact", id, 3);
        assertEquals(writes, spotlerWrites(), "nothing written to Spotler for an opted-out record");
    }

    @Test
    void hourlyPullFindsOptOutsAndResyncResumesAfterReactivation() {
        String id = contact(Instant.now().minusSeconds(60));
        SpotlerSandbox.spotlerOptOut(id);
        Http.Answer run = AdminApi.adminPost("/api/backsync/run");
        assertEquals(200, run.status(), run.body());
        await(
                () -> AdminApi.record("contact", id).map(r -> r.getString("status")).orElse(""),
                "OptOut"::equals,
                "OptOut from the hourly pull");
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                r -> r.getBoolean("donotbulkemail"),
                "D365 donotbulkemail");

        // a resync while the address is still opted out in Spotler changes nothing
        assertEquals(202, AdminApi.adminPost("/api/records/contact/" + id + "/resync").status());
        // (Dataverse echoes Spotbridge's own donotbulkemail write as an Update, so the resync's
        // entry is
        // found by its operation, not by its place)
        JsonObject still =
                await(
                        () -> AdminApi.record("contact", id).orElseThrow(),
                        r ->
                                AdminApi.events(r).stream()
                                        .anyMatch(e -> "Resync".equals(e.getString("operation"))),
                        "the resync in the history");
        assertEquals("OptOut", still.getString("status"));
        assertTrue(
                AdminApi.events(still).stream()
                        .filter(e -> "Resync".equals(e.getString("operation")))
                        .allMatch(e -> e.getString("detail").contains("still opted out")),
                still.toString());

        // re-activated in Spotler; D365 lets bulk email again; a resync resumes the sync
        SpotlerSandbox.spotlerReactivate(id);
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("donotbulkemail", false)
                        .add("lastname", "Resynced")
                        .build());
        assertEquals(202, AdminApi.adminPost("/api/records/contact/" + id + "/resync").status());
        await(
                () -> AdminApi.record("contact", id).map(r -> r.getString("status")).orElse(""),
                "Succeeded"::equals,
                "Succeeded after the resync");
        assertEquals("Resynced", spotlerProperties(id).getString("lastName"));
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                r -> r.getInt("sb_syncstatus", 0) == SUCCEEDED,
                "D365 status Succeeded again");
    }

    @Test
    void bounceMakesExactlyOneTaskForTheOwnerAcrossRuns() {
        String id = contact(Instant.now().minusSeconds(60));
        String email = email(id);
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\""
                        + id
                        + "\",\"type\":\"HARDBOUNCE\",\"encryptedActId\":\"mail-"
                        + id.substring(0, 8)
                        + "\",\"mailingName\":\"Spring newsletter\"}");
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        JsonArray tasks =
                DataverseSandbox.dataverseRows("tasks", "_regardingobjectid_value eq " + id);
        assertEquals(1, tasks.size(), tasks.toString());
        JsonObject task = tasks.getJsonObject(0);
        assertEquals(OWNER, task.getString("_ownerid_value"));
        assertTrue(task.getString("subject").contains(email), task.toString());
        assertTrue(task.getString("subject").contains("hard"), task.toString());
        assertTrue(task.getString("description").contains("Spring newsletter"), task.toString());
    }

    /**
     * A bounce is the contact's status: three soft bounces make one task, a soft bounce that turns
     * hard a second; a new address makes the contact active again, so its next bounce is news.
     */
    @Test
    void aBouncedContactGetsATaskWhenItBecomesBouncedNotPerMailing() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        String tag = id.substring(0, 8);
        for (int i = 1; i <= 3; i++) {
            SpotlerSandbox.spotlerBounce(
                    "{\"externalId\":\""
                            + id
                            + "\",\"type\":\"SOFTBOUNCE\",\"encryptedActId\":\"soft-"
                            + i
                            + "-"
                            + tag
                            + "\"}");
            assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        }
        JsonArray tasks = tasksOf(id);
        assertEquals(1, tasks.size(), tasks.toString());
        assertTrue(tasks.getJsonObject(0).getString("subject").contains("soft"), tasks.toString());
        assertTrue(
                tasks.getJsonObject(0).getString("description").contains("correct it"),
                "the task says what to do: " + tasks);

        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\""
                        + id
                        + "\",\"type\":\"HARDBOUNCE\",\"encryptedActId\":\"hard-"
                        + tag
                        + "\"}");
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\""
                        + id
                        + "\",\"type\":\"HARDBOUNCE\",\"encryptedActId\":\"hard2-"
                        + tag
                        + "\"}");
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        tasks = tasksOf(id);
        assertEquals(2, tasks.size(), tasks.toString());
        assertTrue(tasks.toString().contains("Soft bounce turned hard"), tasks.toString());

        // a new address: active again, the next bounce is news
        String fresh = "new." + tag + "@example.com";
        Map<String, Object> post = person(fresh);
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("emailaddress1", fresh),
                        post,
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString()));
        await(() -> email(id), fresh::equals, "the new address in Spotler");
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\""
                        + id
                        + "\",\"type\":\"SOFTBOUNCE\",\"encryptedActId\":\"soft-new-"
                        + tag
                        + "\"}");
        assertEquals(200, AdminApi.adminPost("/api/backsync/run").status());
        assertEquals(3, tasksOf(id).size(), tasksOf(id).toString());
        assertTrue(history(id).contains("bounced already"), history(id));
    }

    private static JsonArray tasksOf(String id) {
        return DataverseSandbox.dataverseRows("tasks", "_regardingobjectid_value eq " + id);
    }

    /**
     * §2.7.2: a sync with nothing to write (a save without a mapped change) still recognises an
     * opt-out in Spotler, by asking its status (the ITs run with a last-known-state age of 0, so
     * every such sync asks; by default one older than the pull's window does).
     */
    @Test
    void anOptOutIsRecognisedByASyncWithNothingToWrite() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        String email = email(id);
        SpotlerSandbox.spotlerOptOut(id);
        Map<String, Object> post = person(email);
        post.put("jobtitle", "Buyer");
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("jobtitle", "Buyer"),
                        post,
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString()));
        JsonObject record =
                await(
                        () -> AdminApi.record("contact", id).orElseThrow(),
                        r -> "OptOut".equals(r.getString("status")),
                        "the opt-out recognised");
        assertTrue(
                record.getJsonArray("history").toString().contains("status read"),
                record.toString());
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                row -> row.getBoolean("donotbulkemail", false),
                "D365 told: bulk email do not allow");
    }

    @Test
    void disabledRecordGetsZeroWritesAndEnablingSyncsItFully() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        String email = email(id);
        long writes = spotlerWrites();
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("sb_syncenabled", false),
                        with(person(email), "sb_syncenabled", false),
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString()));
        await(
                () -> AdminApi.record("contact", id).map(r -> r.getString("status")).orElse(""),
                "Disabled"::equals,
                "status Disabled");
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Hidden"),
                        with(with(person(email), "sb_syncenabled", false), "lastname", "Hidden"),
                        t0.plusSeconds(10),
                        UUID.randomUUID().toString()));
        awaitHistory("contact", id, 3);
        assertEquals(writes, spotlerWrites(), "a disabled record is never written");
        assertEquals("Jansen", spotlerProperties(id).getString("lastName"));

        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("lastname", "Visible")
                        .add("sb_syncenabled", true)
                        .build());
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("sb_syncenabled", true),
                        null,
                        t0.plusSeconds(15),
                        UUID.randomUUID().toString()));
        await(
                () -> spotlerProperties(id).getString("lastName"),
                "Visible"::equals,
                "full sync after enabling");
        // the sandbox holds the write a moment before the consumer's transaction commits the status
        await(
                () -> AdminApi.record("contact", id).orElseThrow().getString("status"),
                "Succeeded"::equals,
                "status Succeeded after enabling");
    }

    @Test
    void echoOfTheStatusWriteBackWritesNothing() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = contact(t0);
        JsonObject row =
                await(
                        () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                        r ->
                                r.getInt("sb_syncstatus", 0) == SUCCEEDED
                                        && !r.isNull("sb_lastsyncedon")
                                        && r.containsKey("sb_lastsyncedon"),
                        "status written back to D365");
        long writes = spotlerWrites();
        long patches = DataverseSandbox.dataversePatches();
        // Dataverse echoes our PATCH as an Update webhook: only the sync columns changed
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("sb_syncstatus", Contexts.option(SUCCEEDED));
        echo.put("sb_lastsyncedon", row.getString("sb_lastsyncedon"));
        Map<String, Object> image = new LinkedHashMap<>(person(email(id)));
        image.putAll(echo);
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "contact",
                                        id,
                                        echo,
                                        image,
                                        t0.plusSeconds(5),
                                        UUID.randomUUID().toString()))
                        .status());
        JsonObject record = awaitHistory("contact", id, 2);
        assertEquals("NoChange", AdminApi.events(record).get(1).getString("outcome"));
        // give a looping write-back the time it would need, then count
        await(() -> AdminApi.record("contact", id).orElseThrow(), r -> true, "settled");
        sleep(1500);
        assertEquals(writes, spotlerWrites(), "the echo makes zero Spotler writes");
        assertEquals(
                patches, DataverseSandbox.dataversePatches(), "and no further write-back: no loop");
    }

    @Test
    void dataverseTooManyRequestsWithRetryAfterIsHonoured() {
        String id = contact(Instant.now().minusSeconds(60));
        DataverseSandbox.dataverseUpsert(
                "contacts", id, Json.createObjectBuilder().add("lastname", "Throttled").build());
        DataverseSandbox.dataverseFault(
                "{\"status\":429,\"count\":1,\"retryAfter\":1,\"path\":\"contacts\"}");
        long sent = System.currentTimeMillis();
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Throttled"),
                        null,
                        Instant.now(),
                        UUID.randomUUID().toString()));
        await(
                () -> spotlerProperties(id).getString("lastName"),
                "Throttled"::equals,
                "read after the 429");
        assertTrue(System.currentTimeMillis() - sent >= 1000, "waited the Retry-After second");
    }

    /**
     * The status write-backs of many records go to Dataverse together: one $batch of PATCHes, not a
     * request per record. The write-back queue is paused while 20 contacts sync, then resumed.
     */
    @Test
    void statusWriteBacksOfManyRecordsGoInBulk() throws Exception {
        String queue =
                "/subsystem=messaging-activemq/server=default/jms-queue=spotbridge-writeback";
        Instant t0 = Instant.now().minusSeconds(60);
        List<String> ids = new ArrayList<>();
        long batches;
        long patches;
        Http.cli(queue + ":pause");
        try {
            for (int i = 0; i < 20; i++) {
                String id = UUID.randomUUID().toString();
                String email = "batch." + id.substring(0, 8) + "@example.com";
                DataverseSandbox.dataverseUpsert(
                        "contacts",
                        id,
                        Json.createObjectBuilder()
                                .add("lastname", "Batch")
                                .add("emailaddress1", email)
                                .add("statecode", 0)
                                .build());
                assertEquals(
                        202, webhook(Contexts.create("contact", id, person(email), t0)).status());
                ids.add(id);
            }
            for (String id : ids) {
                await(
                        () ->
                                AdminApi.record("contact", id)
                                        .map(r -> r.getString("status"))
                                        .orElse("not yet"),
                        "Succeeded"::equals,
                        "synced");
            }
            // counted while the write-backs are held: once resumed, the batch can go at once
            batches = DataverseSandbox.dataverseBatches() + DataverseSandbox.dataverseMultiples();
            patches = DataverseSandbox.dataversePatches();
        } finally {
            Http.cli(queue + ":resume");
        }
        for (String id : ids) {
            await(
                    () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                    r -> r.getInt("sb_syncstatus", 0) == SUCCEEDED,
                    "status written back");
        }
        // the 20 records' statuses in one UpdateMultiple, their 60 sb_permission rows in one
        // CreateMultiple (or each kind in two, when the queue hands them over in two batches)
        long used =
                DataverseSandbox.dataverseBatches()
                        + DataverseSandbox.dataverseMultiples()
                        - batches;
        assertTrue(used >= 1 && used <= 4, "20 write-backs in at most 4 requests, not " + used);
        assertEquals(patches + 20, DataverseSandbox.dataversePatches(), "one PATCH per record");
        awaitWriteBack(ids.get(0), "Succeeded", "the history shows the write-back");
    }

    /** Waits until the contact's history holds a write-back with this outcome. */
    private static void awaitWriteBack(String id, String outcome, String what) {
        await(
                () ->
                        AdminApi.record("contact", id)
                                .map(r -> r.getJsonArray("history"))
                                .orElse(JsonValue.EMPTY_JSON_ARRAY),
                h ->
                        h.stream()
                                .map(JsonValue::asJsonObject)
                                .anyMatch(
                                        e ->
                                                "WriteBack".equals(e.getString("operation", ""))
                                                        && outcome.equals(
                                                                e.getString("outcome", ""))),
                what);
    }

    /**
     * A record Dataverse no longer holds (deleted before its sync got there) is synced from its
     * webhook, but nothing of it can be written back: Dataverse refuses the PATCH and its
     * sb_permission rows (a lookup to a missing row) with 404, and the write-back ends there
     * instead of failing or retrying.
     */
    @Test
    void theWriteBackOfARecordGoneFromDataverseEndsWithoutRows() {
        String id = UUID.randomUUID().toString();
        String email = "gone." + id.substring(0, 8) + "@example.com";
        assertEquals(
                202,
                webhook(Contexts.create("contact", id, person(email), Instant.now())).status());
        awaitWriteBack(id, "Skipped", "the write-back ended: the record is no longer in Dataverse");
        assertEquals("Succeeded", AdminApi.record("contact", id).orElseThrow().getString("status"));
        assertTrue(spotlerContact(id).isPresent(), "synced to Spotler");
        assertEquals(
                0,
                DataverseSandbox.dataverseRows("sb_permissions", "_sb_contactid_value eq " + id)
                        .size(),
                "no row names a contact Dataverse does not hold");

        Http.Answer refused =
                DataverseSandbox.dataverseCreate(
                        "sb_permissions",
                        Json.createObjectBuilder()
                                .add("sb_name", "Nieuwsbrief")
                                .add("sb_bit", 1)
                                .add("sb_subscribed", true)
                                .add("sb_contactid@odata.bind", "/contacts(" + id + ")")
                                .build());
        assertEquals(404, refused.status(), refused.body());
        assertTrue(
                refused.body().contains("contact With Id = " + id + " Does Not Exist"),
                refused.body());
    }

    /**
     * Dataverse down for the write-back, longer than the queue's delivery attempts (8) would last:
     * the write-back waits out the outage on the queue, no attempt counted, and the status reaches
     * D365 once Dataverse answers again, with nothing dead-lettered.
     */
    @Test
    void statusWriteBackWaitsOutADataverseOutage() {
        // 30 failed requests: ten tries of three calls each, every 0.5 s (outage-retry-ms), with
        // the
        // circuit open for 2 s in between (arquillian.xml); the queue's 8 delivery attempts with
        // their back-off would have dead-lettered the write-back within about a minute
        DataverseSandbox.dataverseFault("{\"status\":503,\"count\":30,\"path\":\"$batch\"}");
        String id = contact(Instant.now().minusSeconds(60));
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                r -> r.getInt("sb_syncstatus", 0) == SUCCEEDED,
                "status written back after the outage",
                Duration.ofSeconds(90));
        assertTrue(
                AdminApi.deadLetters().stream()
                        .noneMatch(m -> id.equals(m.asJsonObject().getString("recordId", ""))),
                "nothing of " + id + " dead-lettered");
    }

    /**
     * The status write-back meets a 429 whose Retry-After (12 s) is longer than a call waits: the
     * batch goes back on the write-back queue for that long (not redelivered after the queue's 1 s
     * back-off as a failed attempt) and reaches D365 after the wait.
     */
    @Test
    void aLongRetryAfterPutsTheWriteBackOff() {
        // the write-backs of the tests before would meet the fault first
        DataverseSandbox.awaitDataverseQuiet();
        DataverseSandbox.dataverseFault(
                "{\"status\":429,\"count\":1,\"retryAfter\":12,\"path\":\"$batch\"}");
        long sent = System.currentTimeMillis();
        String id = contact(Instant.now().minusSeconds(60));
        await(
                () -> DataverseSandbox.dataverseRow("contacts", id).orElseThrow(),
                r -> r.getInt("sb_syncstatus", 0) == SUCCEEDED,
                "status written back after the Retry-After",
                Duration.ofSeconds(60));
        assertTrue(
                System.currentTimeMillis() - sent >= 12_000,
                "the write-back waited the 12 s Retry-After");
    }

    /**
     * A 429 whose Retry-After is longer than a call waits (10 s): the change goes back on the queue
     * for that long, not counted as a failed attempt (no "Retrying" in the history, no dead
     * letter), and is applied after the wait.
     */
    @Test
    void aLongRetryAfterPutsTheChangeOffWithoutAFailedAttempt() {
        String id = contact(Instant.now().minusSeconds(60));
        DataverseSandbox.dataverseUpsert(
                "contacts", id, Json.createObjectBuilder().add("lastname", "PutOff").build());
        DataverseSandbox.dataverseFault(
                "{\"status\":429,\"count\":1,\"retryAfter\":12,\"path\":\"contacts\"}");
        long sent = System.currentTimeMillis();
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "PutOff"),
                        null,
                        Instant.now(),
                        UUID.randomUUID().toString()));
        await(
                () -> spotlerProperties(id).getString("lastName"),
                "PutOff"::equals,
                "applied after the Retry-After",
                Duration.ofSeconds(60));
        assertTrue(System.currentTimeMillis() - sent >= 12_000, "waited the 12 s Retry-After");
        JsonObject record = AdminApi.record("contact", id).orElseThrow();
        assertFalse(
                record.getJsonArray("history").stream()
                        .map(JsonValue::asJsonObject)
                        .anyMatch(h -> "Retrying".equals(h.getString("outcome", ""))),
                "no failed attempt recorded: " + record.getJsonArray("history"));
        assertEquals("Succeeded", record.getString("status"));
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
