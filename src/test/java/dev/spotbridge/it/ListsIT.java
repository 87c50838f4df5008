package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerAudience;
import static dev.spotbridge.it.SpotlerSandbox.spotlerWrites;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Marketing lists and campaign jobs against both sandboxes. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ListsIT {

    static final int SUCCEEDED = 100000002;
    static final int PARTLY = 100000003;
    static final int FAILED = 100000004;

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    /** n contacts in the Dataverse sandbox (not yet in Spotler); extra columns for each. */
    private static List<String> contacts(int n, String city, Map<String, Object> extra) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            var row =
                    Json.createObjectBuilder()
                            .add("firstname", "Member" + i)
                            .add("lastname", "List")
                            .add(
                                    "emailaddress1",
                                    "m" + i + "." + id.substring(0, 8) + "@example.com")
                            .add("address1_city", city);
            extra.forEach(
                    (k, v) -> {
                        if (v instanceof Boolean b) {
                            row.add(k, b);
                        } else {
                            row.add(k, v.toString());
                        }
                    });
            DataverseSandbox.dataverseUpsert("contacts", id, row.build());
            ids.add(id);
        }
        return ids;
    }

    private static String staticList(String name, List<String> members) {
        String listId = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "lists",
                listId,
                Json.createObjectBuilder()
                        .add("listname", name)
                        .add("type", false)
                        .add("createdfromcode", 2)
                        .build());
        members.forEach(
                id ->
                        DataverseSandbox.dataverseUpsert(
                                "listmembers",
                                UUID.randomUUID().toString(),
                                Json.createObjectBuilder()
                                        .add("listid@odata.bind", "/lists(" + listId + ")")
                                        .add("entityid@odata.bind", "/contacts(" + id + ")")
                                        .build()));
        return listId;
    }

    private static Set<String> members(String listId) {
        Set<String> ids = new LinkedHashSet<>();
        spotlerAudience(listId)
                .orElseThrow()
                .getJsonArray("members")
                .forEach(m -> ids.add(((JsonString) m).getString()));
        return ids;
    }

    private static JsonObject syncNow(String listId, int syncs) {
        assertEquals(202, AdminApi.adminPost("/api/lists/" + listId + "/sync").status());
        return awaitList(listId, syncs);
    }

    private static JsonObject awaitList(String listId, int entries) {
        return await(
                () -> {
                    Http.Answer a = Http.get(Http.BASE + "/api/lists/" + listId, AdminApi.ADMIN);
                    return a.status() == 200 ? a.json() : null;
                },
                l -> l.getJsonArray("history").size() >= entries,
                "list " + listId + " with " + entries + " history lines");
    }

    private static String lastDetail(JsonObject list) {
        var history = list.getJsonArray("history");
        return history.getJsonObject(history.size() - 1).getString("detail");
    }

    @Test
    void staticListOf250IsOneAudienceOfExactlyThoseInThreeBatches() {
        List<String> ids = contacts(250, "Leiden", Map.of());
        String listId = staticList("Newsletter Leiden " + UUID.randomUUID(), ids);
        long writes = spotlerWrites();
        JsonObject list = syncNow(listId, 1);
        assertTrue(lastDetail(list).contains("in 3 batch call(s)"), lastDetail(list));
        assertEquals(Set.copyOf(ids), members(listId));
        assertEquals(
                5,
                spotlerWrites() - writes,
                "3 contact batches + create audience + one add of 250");
        assertEquals(250, list.getInt("members"));
    }

    @Test
    void dynamicListRunsItsFetchXmlAndLeavesOutConsentlessMembers() {
        String city = "Zwolle-" + UUID.randomUUID().toString().substring(0, 6);
        List<String> in = contacts(3, city, Map.of());
        List<String> optedOut = contacts(1, city, Map.of("donotbulkemail", true));
        List<String> disabled = contacts(1, city, Map.of("sb_syncenabled", false));
        contacts(2, "Elsewhere", Map.of());
        String listId = UUID.randomUUID().toString();
        String fetch =
                "<fetch version=\"1.0\" mapping=\"logical\"><entity name=\"contact\"><attribute name=\"fullname\"/>"
                        + "<filter type=\"and\"><condition attribute=\"address1_city\" operator=\"eq\" value=\""
                        + city
                        + "\"/>"
                        + "<condition attribute=\"statecode\" operator=\"eq\" value=\"0\"/></filter></entity></fetch>";
        DataverseSandbox.dataverseUpsert(
                "lists",
                listId,
                Json.createObjectBuilder()
                        .add("listname", "Dynamic " + city)
                        .add("type", true)
                        .add("createdfromcode", 2)
                        .add("query", fetch)
                        .build());
        JsonObject list = syncNow(listId, 1);
        assertEquals(Set.copyOf(in), members(listId), lastDetail(list));
        assertTrue(lastDetail(list).contains("3 of 5 members"), lastDetail(list));
        assertTrue(
                SpotlerSandbox.spotlerContact(optedOut.get(0)).isEmpty(),
                "a bulk-email opt-out is not even created in Spotler");
        assertTrue(SpotlerSandbox.spotlerContact(disabled.get(0)).isEmpty());
    }

    @Test
    void renameMembersAndDeleteFollowTheList() {
        List<String> ids = contacts(3, "Delft", Map.of());
        String name = "Events Delft " + UUID.randomUUID();
        String listId = staticList(name, ids.subList(0, 2));
        syncNow(listId, 1);
        assertEquals(name, spotlerAudience(listId).orElseThrow().getString("name"));

        // a member added later follows at once
        String added = ids.get(2);
        DataverseSandbox.dataverseUpsert(
                "listmembers",
                UUID.randomUUID().toString(),
                Json.createObjectBuilder()
                        .add("listid@odata.bind", "/lists(" + listId + ")")
                        .add("entityid@odata.bind", "/contacts(" + added + ")")
                        .build());
        assertEquals(202, webhook(member("AddMember", listId, added)).status());
        await(() -> members(listId), m -> m.contains(added), "added member in the audience");
        // removed in D365: the listmember row goes, and Dataverse raises RemoveMember
        DataverseSandbox.dataverseRows(
                        "listmembers",
                        "_listid_value eq " + listId + " and _entityid_value eq " + ids.get(0))
                .forEach(
                        r ->
                                DataverseSandbox.dataverseDelete(
                                        "listmembers", r.asJsonObject().getString("listmemberid")));
        assertEquals(202, webhook(member("RemoveMember", listId, ids.get(0))).status());
        await(
                () -> members(listId),
                m -> !m.contains(ids.get(0)),
                "removed member out of the audience");

        // a rename waits for the next sync
        DataverseSandbox.dataverseUpsert(
                "lists",
                listId,
                Json.createObjectBuilder().add("listname", name + " (renamed)").build());
        JsonObject renamed = syncNow(listId, 4);
        assertEquals(
                name + " (renamed)",
                spotlerAudience(listId).orElseThrow().getString("name"),
                renamed.toString());
        assertEquals(Set.of(ids.get(1), added), members(listId));

        // delete → the audience is removed
        assertEquals(202, webhook(Contexts.delete("list", listId)).status());
        await(() -> spotlerAudience(listId).isPresent(), present -> !present, "audience removed");
    }

    @Test
    void memberEventsOnANeverSyncedListAreIgnoredAndRecorded() {
        String listId = staticList("Never synced", List.of());
        String someone = contacts(1, "Gouda", Map.of()).get(0);
        assertEquals(202, webhook(member("AddMember", listId, someone)).status());
        JsonObject list = awaitList(listId, 1);
        assertTrue(lastDetail(list).contains("ignored"), lastDetail(list));
        assertTrue(spotlerAudience(listId).isEmpty());
    }

    @Test
    void dryRunWritesNothing() {
        List<String> ids = contacts(4, "Haarlem", Map.of());
        String listId = staticList("Dry run " + UUID.randomUUID(), ids);
        long writes = spotlerWrites();
        Http.Answer a = AdminApi.adminPost("/api/lists/" + listId + "/sync?dryRun=true");
        assertEquals(200, a.status(), a.body());
        JsonObject report = a.json();
        assertTrue(report.getBoolean("dryRun"));
        assertEquals(4, report.getJsonArray("added").size());
        assertEquals(4, report.getJsonArray("created").size());
        assertEquals(writes, spotlerWrites(), "a dry run makes no Spotler write");
        assertTrue(spotlerAudience(listId).isEmpty());
        ids.forEach(id -> assertTrue(SpotlerSandbox.spotlerContact(id).isEmpty()));
    }

    @Test
    void startCampaignForAListOfFiveWithOneAlreadyInIsPartlySucceeded() {
        List<String> ids = contacts(5, "Breda", Map.of());
        String listId = staticList("Campaign Breda " + UUID.randomUUID(), ids);
        String campaign = "cmp-" + UUID.randomUUID().toString().substring(0, 8);
        String trigger = "trg-" + UUID.randomUUID().toString().substring(0, 8);
        SpotlerSandbox.spotlerCampaign(campaign, trigger);
        // one of them is already in the campaign
        syncNow(listId, 1);
        Http.Answer first =
                SpotlerSandbox.spotler(
                        "POST",
                        "/campaign/trigger/" + trigger,
                        "{\"externalContactId\":\"" + ids.get(0) + "\"}");
        assertEquals(204, first.status(), first.body());

        String job = startCampaign(campaign, listId);
        JsonObject row = awaitJob(job);
        assertEquals(PARTLY, row.getInt("sb_status"), row.toString());
        String result = row.getString("sb_result");
        assertTrue(result.contains("5 contact(s), 4 started, 1 failed"), result);
        assertTrue(result.contains(ids.get(0) + ": Contact already in campaign"), result);
        assertEquals(
                5, SpotlerSandbox.spotlerCampaign(campaign).getJsonArray("participants").size());

        // StopCampaign for one customer
        String stop =
                job(
                        Map.of(
                                "sb_operation",
                                Contexts.option(100000003),
                                "sb_campaigncode",
                                campaign,
                                "sb_contactid",
                                Contexts.reference("contact", ids.get(1))));
        JsonObject stopped = awaitJob(stop);
        assertEquals(SUCCEEDED, stopped.getInt("sb_status"), stopped.toString());
        assertEquals(
                4, SpotlerSandbox.spotlerCampaign(campaign).getJsonArray("participants").size());
    }

    /**
     * A campaign trigger is direct mail (§2.7.1): a member who does not allow bulk email is
     * triggered and counted; the one already in the campaign is the job's only failure; and when an
     * attempt of the job breaks off midway (Spotler refuses a call with its retries) the
     * redelivered job resumes from its ledger, so nobody is triggered twice.
     */
    @Test
    void startCampaignTriggersDirectMailOnceAcrossARedelivery() {
        List<String> ids = contacts(6, "Tilburg", Map.of());
        DataverseSandbox.dataverseUpsert(
                "contacts",
                ids.get(2),
                Json.createObjectBuilder().add("donotbulkemail", true).build());
        String listId = staticList("Campaign Tilburg " + UUID.randomUUID(), ids);
        String campaign = "cmp-" + UUID.randomUUID().toString().substring(0, 8);
        String trigger = "trg-" + UUID.randomUUID().toString().substring(0, 8);
        SpotlerSandbox.spotlerCampaign(campaign, trigger);
        syncNow(listId, 1);
        assertEquals(
                204,
                SpotlerSandbox.spotler(
                                "POST",
                                "/campaign/trigger/" + trigger,
                                "{\"externalContactId\":\"" + ids.get(0) + "\"}")
                        .status());
        long faultedBefore = SpotlerSandbox.spotlerFaulted();
        // the job's third trigger call is refused with both its retries: that attempt fails
        SpotlerSandbox.spotlerFault(
                "{\"status\":503,\"after\":2,\"count\":3,\"path\":\"campaign/trigger\"}");
        JsonObject row;
        try {
            String job = startCampaign(campaign, listId);
            row = awaitJob(job);
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        assertEquals(3, SpotlerSandbox.spotlerFaulted() - faultedBefore, "the attempt broke off");
        String result = row.getString("sb_result");
        assertEquals(PARTLY, row.getInt("sb_status"), result);
        assertTrue(result.contains("6 contact(s), 5 started, 1 failed"), result);
        assertTrue(result.contains("1 of the started do not allow bulk email"), result);
        assertTrue(result.contains(ids.get(0) + ": Contact already in campaign"), result);
        assertEquals(
                Set.copyOf(ids),
                SpotlerSandbox.spotlerCampaign(campaign).getJsonArray("participants").stream()
                        .map(v -> ((jakarta.json.JsonString) v).getString())
                        .collect(java.util.stream.Collectors.toSet()));
        // the one who does not allow bulk email is in Spotler with every permission off, and
        // stays out of the list
        assertTrue(SpotlerSandbox.spotlerContact(ids.get(2)).isPresent());
        assertTrue(!members(listId).contains(ids.get(2)));
    }

    /** A campaign that does not exist ends the job Failed on its first attempt, with the reason. */
    @Test
    void aCampaignJobForAnUnknownCampaignFailsAtOnce() {
        List<String> ids = contacts(2, "Oss", Map.of());
        String listId = staticList("Unknown campaign " + UUID.randomUUID(), ids);
        String job = startCampaign("no-such-campaign", listId);
        JsonObject row = awaitJob(job);
        assertEquals(FAILED, row.getInt("sb_status"), row.toString());
        assertTrue(
                row.getString("sb_result").contains("Spotler has no campaign or trigger"),
                row.toString());
        String automation = startCampaign(UUID.randomUUID().toString(), listId);
        JsonObject failed = awaitJob(automation);
        assertEquals(FAILED, failed.getInt("sb_status"), failed.toString());
        assertTrue(
                failed.getString("sb_result").contains("no automation trigger"), failed.toString());
    }

    /**
     * Without Spotler's lists in the account's edition (403 on /audience) a list sync falls back to
     * a temporary list, replaced as a whole at each sync; the job and the list say so, nothing is
     * dead-lettered.
     */
    @Test
    void anEditionWithoutAudiencesGetsTheListAsATemporaryList() {
        List<String> ids = contacts(3, "Zwolle", Map.of());
        String listId = staticList("Zwolle " + UUID.randomUUID(), ids);
        SpotlerSandbox.spotlerEdition(false);
        try {
            String job =
                    job(
                            Map.of(
                                    "sb_operation",
                                    Contexts.option(100000000),
                                    "sb_listid",
                                    Contexts.reference("list", listId)));
            JsonObject row = awaitJob(job);
            String result = row.getString("sb_result");
            assertEquals(SUCCEEDED, row.getInt("sb_status"), result);
            assertTrue(result.contains("temporary list"), result);
            assertTrue(result.contains("403"), result);
            assertEquals(Set.copyOf(ids), temporaryMembers(listId));
            assertTrue(spotlerAudience(listId).isEmpty());

            // a member who no longer allows bulk email leaves it at the next sync
            DataverseSandbox.dataverseUpsert(
                    "contacts",
                    ids.get(0),
                    Json.createObjectBuilder().add("donotbulkemail", true).build());
            JsonObject list = syncNow(listId, 2);
            assertEquals(Set.of(ids.get(1), ids.get(2)), temporaryMembers(listId));
            assertEquals("temporary list", list.getString("spotlerList"), list.toString());
            assertTrue(list.getString("note").contains("403"), list.toString());
        } finally {
            SpotlerSandbox.spotlerEdition(true);
        }
        assertTrue(
                AdminApi.deadLetters().stream()
                        .noneMatch(m -> listId.equals(m.asJsonObject().getString("recordId", ""))),
                "nothing dead-lettered");
    }

    private static Set<String> temporaryMembers(String listId) {
        Set<String> ids = new LinkedHashSet<>();
        SpotlerSandbox.spotlerTemporaryList(listId)
                .orElseThrow()
                .getJsonArray("members")
                .forEach(m -> ids.add(((JsonString) m).getString()));
        return ids;
    }

    /**
     * Members changed many at once (Manage Members → remove or evaluate with Advanced Find:
     * QualifyMemberList; Copy to another list: CopyMembersList) bring the synced list up to date
     * with what Dataverse holds.
     */
    @Test
    void qualifyAndCopyMembersBringTheListUpToDate() {
        List<String> ids = contacts(3, "Delft", Map.of());
        String listId = staticList("Delft " + UUID.randomUUID(), ids.subList(0, 2));
        syncNow(listId, 1);
        assertEquals(Set.copyOf(ids.subList(0, 2)), members(listId));
        // Advanced Find evaluated the list: only the first stays
        JsonArray rows =
                DataverseSandbox.dataverseRows("listmembers", "_listid_value eq " + listId);
        for (JsonObject row : rows.getValuesAs(JsonObject.class)) {
            if (ids.get(1).equals(row.getString("_entityid_value"))) {
                DataverseSandbox.dataverseDelete("listmembers", row.getString("listmemberid"));
            }
        }
        assertEquals(
                202,
                webhook(
                                Contexts.listMessage(
                                        "QualifyMemberList",
                                        listId,
                                        Map.of(
                                                "ListId", Json.createValue(listId),
                                                "MembersId",
                                                        Json.createArrayBuilder()
                                                                .add(ids.get(0))
                                                                .build(),
                                                "OverrideorRemove", JsonValue.TRUE)))
                        .status());
        await(() -> members(listId), Set.of(ids.get(0))::equals, "the evaluated list in Spotler");

        // the members of another list copied into this one
        String source = staticList("Delft source " + UUID.randomUUID(), ids.subList(2, 3));
        DataverseSandbox.dataverseUpsert(
                "listmembers",
                UUID.randomUUID().toString(),
                Json.createObjectBuilder()
                        .add("listid@odata.bind", "/lists(" + listId + ")")
                        .add("entityid@odata.bind", "/contacts(" + ids.get(2) + ")")
                        .build());
        assertEquals(
                202,
                webhook(
                                Contexts.listMessage(
                                        "CopyMembersList",
                                        source,
                                        Map.of(
                                                "SourceListId", Json.createValue(source),
                                                "TargetListId", Json.createValue(listId))))
                        .status());
        await(
                () -> members(listId),
                Set.of(ids.get(0), ids.get(2))::equals,
                "the copied member in Spotler");
    }

    /** A list sync with nothing to write for a member still sees that it opted out in Spotler. */
    @Test
    void aListSyncSeesAnOptOutOfAMemberWithNothingToWrite() {
        List<String> ids = contacts(2, "Gouda", Map.of());
        String listId = staticList("Gouda " + UUID.randomUUID(), ids);
        syncNow(listId, 1);
        assertEquals(Set.copyOf(ids), members(listId));
        SpotlerSandbox.spotlerOptOut(ids.get(0));
        JsonObject list = syncNow(listId, 2);
        assertEquals(Set.of(ids.get(1)), members(listId), lastDetail(list));
        assertEquals(
                "OptOut", AdminApi.record("contact", ids.get(0)).orElseThrow().getString("status"));
    }

    @Test
    void syncListJobIsTheSyncToSpotlerButton() {
        List<String> ids = contacts(2, "Ede", Map.of());
        String listId = staticList("Button " + UUID.randomUUID(), ids);
        String job =
                job(
                        Map.of(
                                "sb_operation",
                                Contexts.option(100000000),
                                "sb_listid",
                                Contexts.reference("list", listId)));
        JsonObject row = awaitJob(job);
        assertEquals(SUCCEEDED, row.getInt("sb_status"), row.toString());
        assertEquals(Set.copyOf(ids), members(listId));
    }

    @Test
    void memberWhoNoLongerAllowsBulkEmailIsRemovedAtTheNextSync() {
        List<String> ids = contacts(2, "Venlo", Map.of());
        String listId = staticList("Venlo " + UUID.randomUUID(), ids);
        syncNow(listId, 1);
        assertEquals(Set.copyOf(ids), members(listId));
        DataverseSandbox.dataverseUpsert(
                "contacts",
                ids.get(0),
                Json.createObjectBuilder().add("donotbulkemail", true).build());
        JsonObject list = syncNow(listId, 2);
        assertEquals(Set.of(ids.get(1)), members(listId), lastDetail(list));
        assertTrue(lastDetail(list).contains("1 removed, 1 left out"), lastDetail(list));
    }

    @Test
    void syncContactsJobSyncsTheCustomer() {
        String id = contacts(1, "Assen", Map.of()).get(0);
        String job =
                job(
                        Map.of(
                                "sb_operation",
                                Contexts.option(100000001),
                                "sb_contactid",
                                Contexts.reference("contact", id)));
        JsonObject row = awaitJob(job);
        assertEquals(SUCCEEDED, row.getInt("sb_status"), row.toString());
        assertEquals("Assen", SpotlerSandbox.spotlerProperties(id).getString("city"));
    }

    /**
     * A backfill (POST /api/backfills): every active contact into Spotler in batches of 100, page
     * by page; a second one writes nothing that is already there.
     */
    @Test
    void backfillBringsEveryActiveContactInBatchesAndRepeatsWithoutWrites() {
        String prefix = "bf-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = DataverseSandbox.dataverseSeed("contacts", 250, prefix);
        // consent given in D365 before Spotbridge was connected: sb_permission rows, no webhooks
        DataverseSandbox.dataversePermission(ids.get(0), 2, "Offers", true);
        DataverseSandbox.dataversePermission(ids.get(0), 4, "Events", false);
        DataverseSandbox.dataversePermission(ids.get(150), 1, "Newsletter", true);
        long requests = SpotlerSandbox.spotlerRequests();
        Http.Answer started = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"contact\"]}");
        assertEquals(202, started.status(), started.body());
        JsonObject done = awaitBackfill(started.json().getInt("id"));
        assertEquals("Succeeded", done.getString("state"), done.toString());
        for (String id : ids) {
            assertEquals(
                    prefix + " " + ids.indexOf(id),
                    SpotlerSandbox.spotlerProperties(id).getString("lastName"));
        }
        int written = done.getInt("written");
        int calls = done.getInt("spotlerCalls");
        assertTrue(written >= 250, done.toString());
        // one POST /contact/list per 100 written, at most one partial batch per page
        assertTrue(calls <= (written + 99) / 100 + done.getInt("pages") - 1, done.toString());
        // besides the batches only the account's properties list (cached) may have been read
        assertTrue(SpotlerSandbox.spotlerRequests() - requests <= calls + 1, done.toString());
        assertTrue(
                AdminApi.record("contact", ids.get(0))
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString()
                        .contains("BulkUpsert"));
        // the new contacts carry their rows' permissions (rows of two batches of 100)
        assertEquals(Set.of(2L), enabledBits(ids.get(0)));
        assertEquals(Set.of(1L), enabledBits(ids.get(150)));
        assertEquals(Set.of(), enabledBits(ids.get(1)));
        String history =
                AdminApi.record("contact", ids.get(0))
                        .orElseThrow()
                        .getJsonArray("history")
                        .toString();
        assertTrue(history.contains("permissions"), history);

        // again: nothing changed, nothing written
        Http.Answer again = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"contact\"]}");
        assertEquals(202, again.status(), again.body());
        JsonObject second = awaitBackfill(again.json().getInt("id"));
        assertEquals("Succeeded", second.getString("state"), second.toString());
        assertEquals(0, second.getInt("written"), second.toString());

        Http.Answer bad = AdminApi.adminPost("/api/backfills", "{\"entities\":[\"invoice\"]}");
        assertEquals(400, bad.status(), bad.body());
    }

    /** The permission bits the Spotler sandbox holds enabled for a contact. */
    private static Set<Long> enabledBits(String id) {
        Set<Long> bits = new TreeSet<>();
        JsonArray permissions = SpotlerSandbox.spotlerProperties(id).getJsonArray("permissions");
        if (permissions != null) {
            permissions.stream()
                    .map(JsonValue::asJsonObject)
                    .filter(p -> p.getBoolean("enabled", false))
                    .forEach(p -> bits.add(p.getJsonNumber("bit").longValue()));
        }
        return bits;
    }

    /** SyncContacts without a customer backfills everything and finishes the job when done. */
    @Test
    void syncContactsJobWithoutCustomerRunsABackfill() {
        String prefix = "bfjob-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = DataverseSandbox.dataverseSeed("contacts", 30, prefix);
        String job = job(Map.of("sb_operation", Contexts.option(100000001)));
        JsonObject row =
                await(
                        () -> DataverseSandbox.dataverseRow("sb_syncjobs", job).orElseThrow(),
                        r -> r.getInt("sb_status", 0) >= SUCCEEDED,
                        "job " + job + " finished",
                        Duration.ofSeconds(180));
        assertTrue(
                row.getInt("sb_status") == SUCCEEDED || row.getInt("sb_status") == SUCCEEDED + 1,
                row.toString());
        assertTrue(row.getString("sb_result").contains("backfill"), row.toString());
        for (String id : ids) {
            assertTrue(SpotlerSandbox.spotlerContact(id).isPresent(), id);
        }
    }

    private static JsonObject awaitBackfill(int id) {
        return await(
                () -> Http.get(Http.BASE + "/api/backfills/" + id, AdminApi.ADMIN).json(),
                b -> !"Running".equals(b.getString("state")),
                "backfill " + id + " finished",
                Duration.ofSeconds(120));
    }

    /** An sb_syncjob row in Dataverse and its Create webhook. */
    private static String job(Map<String, Object> columns) {
        String jobId = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "sb_syncjobs", jobId, Json.createObjectBuilder().add("sb_name", "job").build());
        assertEquals(
                202,
                webhook(
                                Contexts.create(
                                        "sb_syncjob",
                                        jobId,
                                        new LinkedHashMap<>(columns),
                                        Instant.now()))
                        .status());
        return jobId;
    }

    /** A StartCampaign job (sb_operation 100000002) for every member of the list. */
    private static String startCampaign(String code, String listId) {
        return job(
                Map.of(
                        "sb_operation",
                        Contexts.option(100000002),
                        "sb_campaigncode",
                        code,
                        "sb_listid",
                        Contexts.reference("list", listId)));
    }

    private static JsonObject awaitJob(String jobId) {
        return await(
                () -> DataverseSandbox.dataverseRow("sb_syncjobs", jobId).orElseThrow(),
                r -> r.getInt("sb_status", 0) >= SUCCEEDED,
                "job " + jobId + " finished");
    }

    private static String member(String message, String listId, String memberId) {
        return Contexts.listMember(message, listId, memberId);
    }
}
