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

    @Test
    void fiveThousandInteractionsTakeAtMostSixBatchCalls() {
        List<String> c = contacts(50);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":"
                        + ids(c)
                        + ",\"encryptedMailingId\":\"bulk-"
                        + UUID.randomUUID().toString().substring(0, 8)
                        + "\",\"repeat\":100}");
        long before = DataverseSandbox.dataverseBatches();
        JsonObject result = run();
        long calls = DataverseSandbox.dataverseBatches() - before;
        assertEquals(5000, result.getInt("activitiesCreated"), result.toString());
        assertTrue(calls <= 6, calls + " $batch calls");
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
        // the first $batch goes through, the second fails (with its retries)
        DataverseSandbox.dataverseFault(
                "{\"status\":503,\"after\":1,\"count\":3,\"path\":\"$batch\"}");
        Http.Answer failed = AdminApi.adminPost("/api/backsync/run");
        assertEquals(503, failed.status(), failed.body());
        int partial = c.stream().mapToInt(id -> activities("emails", id).size()).sum();
        assertEquals(1000, partial, "the first batch landed");
        DataverseSandbox.clearDataverseFault();
        JsonObject rerun = run();
        assertEquals(1500, rerun.getInt("activitiesCreated"), rerun.toString());
        int total = c.stream().mapToInt(id -> activities("emails", id).size()).sum();
        assertEquals(2500, total, "no gap, no duplicate");
    }
}
