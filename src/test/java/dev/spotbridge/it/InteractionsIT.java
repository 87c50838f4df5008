package dev.spotbridge.it;

import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
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

/** Spotler's sent emails and SMS, opens, clicks and bounces on the D365 timeline. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class InteractionsIT {

    static final String OWNER = DataverseSandbox.OWNER;

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

    /** Synced contacts (in both sandboxes). */
    private static List<String> contacts(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = UUID.randomUUID().toString();
            String email = "t" + i + "." + id.substring(0, 8) + "@example.com";
            DataverseSandbox.dataverseUpsert(
                    "contacts",
                    id,
                    Json.createObjectBuilder()
                            .add("firstname", "Time")
                            .add("lastname", "Line")
                            .add("emailaddress1", email)
                            .add(
                                    "ownerid@odata.bind",
                                    "/systemusers(" + DataverseSandbox.owner() + ")")
                            .build());
            assertEquals(
                    202,
                    webhook(
                                    Contexts.create(
                                            "contact",
                                            id,
                                            Map.of(
                                                    "firstname",
                                                    "Time",
                                                    "lastname",
                                                    "Line",
                                                    "emailaddress1",
                                                    email),
                                            Instant.now()))
                            .status());
            ids.add(id);
        }
        for (String id : ids) {
            await(() -> spotlerContact(id).orElse(null), c -> true, "contact in Spotler");
            AdminApi.awaitHistory("contact", id, 1);
        }
        return ids;
    }

    private static String ids(List<String> ids) {
        StringBuilder json = new StringBuilder("[");
        for (String id : ids) {
            json.append(json.length() > 1 ? "," : "").append('"').append(id).append('"');
        }
        return json.append(']').toString();
    }

    private static JsonArray activities(String set, String id) {
        return DataverseSandbox.dataverseRows(set, "_regardingobjectid_value eq " + id);
    }

    private static JsonObject run() {
        Http.Answer a = AdminApi.adminPost("/api/backsync/run");
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    /**
     * A feed item dated without an offset is read in the account's time zone; an item whose date
     * cannot be read is that one item's failure: recorded (run outcome, failures API, the record's
     * history) and skipped, while the rest of the pull goes on and the watermark moves past it.
     */
    @Test
    void aPullReadsADateWithoutOffsetAndSkipsAnUnreadableItem() {
        List<String> c = contacts(2);
        String good = c.get(0);
        String bad = c.get(1);
        String mailing = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        Instant before = Instant.now().minusSeconds(2);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(good))
                        + ",\"encryptedMailingId\":\""
                        + mailing
                        + "\",\"dateAs\":\"local\"}");
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(bad))
                        + ",\"encryptedMailingId\":\""
                        + mailing
                        + "\",\"dateAs\":\"the day before yesterday\"}");
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\"" + good + "\",\"type\":\"SOFTBOUNCE\",\"dateAs\":\"local\"}");
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\"" + bad + "\",\"type\":\"SOFTBOUNCE\",\"dateAs\":\"soon\"}");
        Instant after = Instant.now().plusSeconds(2);

        JsonObject result = run();
        assertEquals(2, result.getInt("itemFailures"), result.toString());
        assertEquals("PartlySucceeded", result.getString("outcome"), result.toString());
        assertEquals(0, result.getJsonObject("failedFeeds").size(), result.toString());

        JsonArray emails = activities("emails", good);
        assertEquals(1, emails.size(), emails.toString());
        Instant sent = Instant.parse(emails.getJsonObject(0).getString("actualend"));
        // local time read in the account's zone: not an hour (or two) off
        assertTrue(
                !sent.isBefore(before.minusSeconds(1)) && !sent.isAfter(after),
                "sent at " + sent + ", between " + before + " and " + after);
        assertEquals(1, activities("tasks", good).size(), "the readable bounce made its task");
        assertEquals(0, activities("emails", bad).size());
        assertEquals(0, activities("tasks", bad).size());

        JsonArray failures =
                Http.parse(AdminApi.adminGet("/api/backsync/failures").body()).asJsonArray();
        List<String> feeds = new ArrayList<>();
        for (JsonObject f : failures.getValuesAs(JsonObject.class)) {
            if (bad.equals(f.getString("externalId", ""))) {
                feeds.add(f.getString("feed"));
                assertTrue(f.getString("reason").contains("date"), f.toString());
                assertEquals("contact:" + bad, f.getString("record"), f.toString());
            }
        }
        assertEquals(
                List.of("spotler-interactions-sent", "spotler-bounces").stream().sorted().toList(),
                feeds.stream().sorted().toList(),
                failures.toString());
        String history =
                AdminApi.record("contact", bad).orElseThrow().getJsonArray("history").toString();
        assertTrue(history.contains("could not be applied and was skipped"), history);

        // the watermarks moved past the bad items: the next run neither repeats nor re-fails them
        JsonObject again = run();
        assertEquals(0, again.getInt("itemFailures"), again.toString());
        assertEquals("Succeeded", again.getString("outcome"), again.toString());
        assertEquals(1, activities("emails", good).size());
    }

    /**
     * What was clicked (§6): each click is on the email activity with its link's URL and time, for
     * a regular mailing (GET /mailing/{id}/clicks/{externalId}) and for a campaign's (GET
     * /campaign-mailing/{id}/clicks).
     */
    @Test
    void eachClickedLinkIsOnTheEmailWithItsUrl() {
        String a = contacts(1).get(0);
        String mailing = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        String campaign = "cm-" + UUID.randomUUID().toString().substring(0, 8);
        for (String[] m : new String[][] {{mailing, "false"}, {campaign, "true"}}) {
            SpotlerSandbox.spotlerInteractions(
                    "{\"kind\":\"sent\",\"externalContactIds\":"
                            + ids(List.of(a))
                            + ",\"encryptedMailingId\":\""
                            + m[0]
                            + "\",\"campaign\":"
                            + m[1]
                            + "}");
        }
        run();
        for (int link : new int[] {1, 3}) {
            SpotlerSandbox.spotlerInteractions(
                    "{\"kind\":\"clicked\",\"externalContactIds\":"
                            + ids(List.of(a))
                            + ",\"encryptedMailingId\":\""
                            + mailing
                            + "\",\"linkId\":"
                            + link
                            + "}");
        }
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"clicked\",\"externalContactIds\":"
                        + ids(List.of(a))
                        + ",\"encryptedMailingId\":\""
                        + campaign
                        + "\",\"campaign\":true,\"linkId\":2}");
        run();
        JsonObject regular = null;
        JsonObject triggered = null;
        for (JsonObject email : activities("emails", a).getValuesAs(JsonObject.class)) {
            if (mailing.equals(email.getString("sb_spotlermailingid"))) {
                regular = email;
            } else if (campaign.equals(email.getString("sb_spotlermailingid"))) {
                triggered = email;
            }
        }
        assertEquals(2, regular.getInt("sb_clickcount"), regular.toString());
        String links = regular.getString("sb_clickedlinks");
        assertTrue(links.contains("https://shop.example.com/spring"), links);
        assertTrue(links.contains("https://sandbox.spotler.example/profile"), links);
        assertEquals(2, links.lines().count(), links);
        assertTrue(
                triggered
                        .getString("sb_clickedlinks")
                        .contains("https://sandbox.spotler.example/online"),
                triggered.toString());
    }

    @Test
    void emailsAndSmsBecomeActivitiesExactlyOnceWithEngagementAndBounce() {
        List<String> c = contacts(2);
        String a = c.get(0);
        String b = c.get(1);
        String m1 = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        String m2 = "mail-" + UUID.randomUUID().toString().substring(0, 8);
        String sms = "sms-" + UUID.randomUUID().toString().substring(0, 8);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(a, b))
                        + ",\"encryptedMailingId\":\""
                        + m1
                        + "\",\"mailingName\":\"Spring newsletter\",\"subject\":\"Spring is here\"}");
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(a))
                        + ",\"encryptedMailingId\":\""
                        + m2
                        + "\",\"mailingName\":\"Summer offer\"}");
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(a))
                        + ",\"encryptedMailingId\":\""
                        + sms
                        + "\",\"type\":\"SMS\",\"mailingName\":\"Flash sale\"}");
        run();
        assertEquals(2, activities("emails", a).size());
        assertEquals(1, activities("emails", b).size());
        assertEquals(1, activities("phonecalls", a).size());
        JsonObject email = activities("emails", b).getJsonObject(0);
        assertEquals("Spring is here", email.getString("subject"));
        assertEquals("Spotler", email.getString("sb_source"));
        assertTrue(email.getBoolean("directioncode"));
        assertEquals(1, email.getInt("statecode"), "completed");
        assertTrue(
                email.getString("description").contains("Online version: https://"),
                email.toString());

        // the run repeated: still 4
        run();
        assertEquals(2, activities("emails", a).size());
        assertEquals(1, activities("emails", b).size());
        assertEquals(1, activities("phonecalls", a).size());

        // opens and clicks → counts on the email activity
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"opened\",\"externalContactIds\":"
                        + ids(List.of(b))
                        + ",\"encryptedMailingId\":\""
                        + m1
                        + "\",\"repeat\":2}");
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"clicked\",\"externalContactIds\":"
                        + ids(List.of(b))
                        + ",\"encryptedMailingId\":\""
                        + m1
                        + "\"}");
        run();
        run();
        JsonObject engaged = activities("emails", b).getJsonObject(0);
        assertEquals(2, engaged.getInt("sb_opencount"), engaged.toString());
        assertEquals(1, engaged.getInt("sb_clickcount"), engaged.toString());
        assertTrue(
                engaged.containsKey("sb_firstopenedon") && engaged.containsKey("sb_lastopenedon"));

        // a bounce → bounce type on the activity and one task for the owner
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"bounced\",\"externalContactIds\":"
                        + ids(List.of(b))
                        + ",\"encryptedMailingId\":\""
                        + m1
                        + "\",\"bounceType\":\"HARD\"}");
        run();
        run();
        assertEquals("Hard", activities("emails", b).getJsonObject(0).getString("sb_bouncetype"));
        JsonArray tasks =
                DataverseSandbox.dataverseRows("tasks", "_regardingobjectid_value eq " + b);
        assertEquals(1, tasks.size(), tasks.toString());
        assertEquals(OWNER, tasks.getJsonObject(0).getString("_ownerid_value"));

        // the sandbox's statistics of that mailing agree
        Http.Answer stats = SpotlerSandbox.spotler("GET", "/mailing/" + m1 + "/statistics", null);
        assertEquals(200, stats.status(), stats.body());
        JsonObject s = stats.json();
        assertEquals(2, s.getInt("sentCount"));
        assertEquals(1, s.getInt("openCount"), "unique opens");
        assertEquals(1, s.getInt("clickCount"));
        assertEquals(1, s.getInt("hardbounceCount"));
    }

    @Test
    void campaignMailingsAreIncluded() {
        String id = contacts(1).get(0);
        String mailing = "camp-" + UUID.randomUUID().toString().substring(0, 8);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(List.of(id))
                        + ",\"encryptedMailingId\":\""
                        + mailing
                        + "\",\"campaign\":true,\"mailingName\":\"Welcome flow\","
                        + "\"subject\":\"Welcome aboard\"}");
        run();
        JsonArray emails = activities("emails", id);
        assertEquals(1, emails.size());
        assertEquals("Welcome aboard", emails.getJsonObject(0).getString("subject"));
    }

    /**
     * Dataverse counts every operation of a $batch against the org's limits, a CreateMultiple as
     * one: 5 000 sent mailings are five CreateMultiple requests of 1 000 activities.
     */
    @Test
    void fiveThousandInteractionsTakeAtMostSixDataverseRequests() {
        List<String> c = contacts(50);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(c)
                        + ",\"encryptedMailingId\":\"bulk-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"repeat\":100}");
        DataverseSandbox.awaitDataverseQuiet();
        long before = DataverseSandbox.dataverseRequests();
        long multiplesBefore = DataverseSandbox.dataverseMultiples();
        JsonObject result = run();
        long requests = DataverseSandbox.dataverseRequests() - before;
        assertEquals(5000, result.getInt("activitiesCreated"), result.toString());
        assertTrue(requests <= 6, requests + " Dataverse requests");
        assertTrue(
                DataverseSandbox.dataverseMultiples() - multiplesBefore >= 5,
                "the activities in CreateMultiple requests");
        int total = c.stream().mapToInt(id -> activities("emails", id).size()).sum();
        assertEquals(5000, total);
    }

    @Test
    void aRunThatFailsHalfwayIsRepeatedWithoutGapOrDuplicate() {
        List<String> c = contacts(25);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(c)
                        + ",\"encryptedMailingId\":\"half-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"repeat\":100}");
        DataverseSandbox.awaitDataverseQuiet();
        // the first part of 1 000 goes through, the second fails (with its retries): the feed of
        // sent mailings stops and keeps its watermark, the other feeds go on
        DataverseSandbox.dataverseFault(
                "{\"status\":503,\"after\":1,\"count\":3,\"path\":\"CreateMultiple\"}");
        Http.Answer failed = AdminApi.adminPost("/api/backsync/run");
        assertEquals(200, failed.status(), failed.body());
        assertTrue(
                failed.json()
                        .getJsonObject("failedFeeds")
                        .getString("spotler-interactions-sent")
                        .contains("503"),
                failed.body());
        int partial = c.stream().mapToInt(id -> activities("emails", id).size()).sum();
        assertEquals(1000, partial, "the first batch landed");
        DataverseSandbox.clearDataverseFault();
        JsonObject rerun = run();
        assertEquals(1500, rerun.getInt("activitiesCreated"), rerun.toString());
        int total = c.stream().mapToInt(id -> activities("emails", id).size()).sum();
        assertEquals(2500, total, "no gap, no duplicate");
    }
}
