package dev.spotbridge.it;

import static dev.spotbridge.it.Http.BASE;
import static dev.spotbridge.it.Http.await;
import static dev.spotbridge.it.SpotlerSandbox.spotlerContact;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Spotbridge's own tables are not a third copy of anyone's data: a deleted record's values leave
 * every table and dead letter, a GDPR erasure anonymizes the Spotler contact and stops the sync,
 * queued changes carry only the synced columns, and retention prunes by age. What the database and
 * the dead-letter queue hold is read from inside the server by probe.war, as an auditor with a dump
 * would.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PrivacyIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    @Deployment(name = "probe", order = 3, testable = false)
    static WebArchive probe() {
        return Deployments.probe();
    }

    /** Where a text is held: {"table.column": rows, "dead-letters": messages}; empty: nowhere. */
    static JsonObject whereIs(String text) {
        Http.Answer a =
                Http.get(
                        BASE
                                + "/probe/find?text="
                                + URLEncoder.encode(text, StandardCharsets.UTF_8),
                        null);
        assertEquals(200, a.status(), a.body());
        return a.json();
    }

    static String sql(String statement) {
        Http.Answer a =
                Http.send(
                        HttpRequest.newBuilder(URI.create(BASE + "/probe/sql"))
                                .header("Content-Type", "text/plain")
                                .POST(HttpRequest.BodyPublishers.ofString(statement))
                                .build());
        assertEquals(200, a.status(), a.body());
        return a.body();
    }

    static long count(String query) {
        Http.Answer a =
                Http.get(
                        BASE
                                + "/probe/count?sql="
                                + URLEncoder.encode(query, StandardCharsets.UTF_8),
                        null);
        assertEquals(200, a.status(), a.body());
        return Long.parseLong(a.body().trim());
    }

    static void oldDeadLetters(String id, int count, boolean old) {
        Probe.deadLetters(id, count, "&old=" + old);
    }

    private static Map<String, Object> person(String first, String last, String email) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("firstname", first);
        columns.put("lastname", last);
        columns.put("emailaddress1", email);
        return columns;
    }

    private static JsonObject settled(String id, String status) {
        return await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> status.equals(r.getString("status")),
                "contact " + id + " " + status);
    }

    private static void refusedOnce() {
        SpotlerSandbox.spotlerFault(
                "{\"status\":400,\"count\":1,\"method\":\"POST\",\"path\":\"contact\"}");
    }

    @Test
    void aDeletedRecordLeavesNoPersonalValueInAnyTableOrDeadLetter() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String first = "Quirijn" + tag;
        String last = "Zeldenrust" + tag;
        String email = "q." + tag + "@privacy.example";
        String spouse = "Spouse" + tag;
        String id = UUID.randomUUID().toString();
        Map<String, Object> columns = person(first, last, email);
        // a column no mapping syncs: it never goes on a queue nor into a table
        columns.put("spousesname", spouse);
        webhook(Contexts.create("contact", id, columns, Instant.now().minusSeconds(60)));
        settled(id, "Succeeded");
        assertTrue(spotlerContact(id).isPresent());

        // a change Spotler refuses for good: dead-lettered, with the record's columns
        refusedOnce();
        String renamed = "Renamed" + tag;
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", renamed),
                        Map.of(
                                "firstname",
                                first,
                                "lastname",
                                renamed,
                                "emailaddress1",
                                email,
                                "spousesname",
                                spouse),
                        Instant.now().minusSeconds(30),
                        UUID.randomUUID().toString()));
        String letter = AdminApi.deadLetterOf(id);
        SpotlerSandbox.clearSpotlerFault();
        await(
                () -> whereIs(renamed),
                where -> where.containsKey("dead-letters"),
                "the refused change's columns in its dead letter");
        assertTrue(
                whereIs(email).containsKey("sync_record.written_properties"),
                whereIs(email).toString());
        assertEquals(Json.createObjectBuilder().build(), whereIs(spouse), "an unmapped column");

        webhook(Contexts.delete("contact", id));
        JsonObject record =
                await(
                        () -> AdminApi.record("contact", id).orElse(null),
                        r ->
                                r.getJsonArray("history")
                                        .toString()
                                        .contains("erased from Spotbridge"),
                        "the delete processed");
        for (String value : List.of(first, last, email, renamed)) {
            assertEquals(Json.createObjectBuilder().build(), whereIs(value), value + " is gone");
        }
        String history = record.getJsonArray("history").toString();
        assertTrue(history.contains(letter), "the erased dead letter is named: " + history);
        // what happened stays: the writes, their outcomes and which properties they changed
        assertTrue(history.contains("\"erased\":true"), history);
        assertTrue(history.contains("\"firstName\""), history);
        assertEquals(0, AdminApi.deadLettersOf(id).size());
    }

    @Test
    void aRecordDeletedBeforeSpotlerHadItLeavesNothingEither() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String last = "Neverwritten" + tag;
        String email = "n." + tag + "@privacy.example";
        String id = UUID.randomUUID().toString();
        refusedOnce();
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        person("Nora", last, email),
                        Instant.now().minusSeconds(60)));
        AdminApi.deadLetterOf(id);
        SpotlerSandbox.clearSpotlerFault();
        assertFalse(spotlerContact(id).isPresent());
        assertFalse(whereIs(last).isEmpty());

        webhook(Contexts.delete("contact", id));
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> r.getJsonArray("history").toString().contains("erased from Spotbridge"),
                "the delete processed");
        assertEquals(Json.createObjectBuilder().build(), whereIs(last));
        assertEquals(Json.createObjectBuilder().build(), whereIs(email));
    }

    @Test
    void anErasureRequestAnonymizesSpotlerErasesSpotbridgeAndStopsTheSyncUntilAResync() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String last = "Erasable" + tag;
        String email = "e." + tag + "@privacy.example";
        String id = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Eva")
                        .add("lastname", last)
                        .add("emailaddress1", email)
                        .add("statecode", 0)
                        .build());
        webhook(Contexts.create("contact", id, person("Eva", last, email), Instant.now()));
        settled(id, "Succeeded");

        Http.Answer erased = AdminApi.adminPost("/api/records/contact/" + id + "/erase");
        assertEquals(200, erased.status(), erased.body());
        assertEquals("anonymized", erased.json().getString("spotler"));
        JsonObject contact = spotlerContact(id).orElseThrow();
        assertFalse(contact.toString().contains(email), contact.toString());
        assertFalse(contact.toString().contains(last), contact.toString());
        assertEquals(Json.createObjectBuilder().build(), whereIs(email));
        assertEquals(Json.createObjectBuilder().build(), whereIs(last));

        // D365 changes the person again: not synced
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("firstname", "Evelien"),
                        Map.of("firstname", "Evelien", "lastname", last, "emailaddress1", email),
                        Instant.now().plusSeconds(5),
                        UUID.randomUUID().toString()));
        await(
                () -> AdminApi.record("contact", id).orElse(null),
                r -> r.getJsonArray("history").toString().contains("erased on request at"),
                "the change skipped");
        assertFalse(spotlerContact(id).orElseThrow().toString().contains("Evelien"));

        // until someone asks for it to be synced again
        assertEquals(202, AdminApi.adminPost("/api/records/contact/" + id + "/resync").status());
        await(
                () -> spotlerContact(id).orElseThrow(),
                c -> c.toString().contains(email),
                "synced again after the resync");
    }

    @Test
    void anErasureWhileSpotlerIsDownErasesNothingAndSaysSo() {
        String id = UUID.randomUUID().toString();
        String email = "down." + id.substring(0, 8) + "@privacy.example";
        webhook(Contexts.create("contact", id, person("Dora", "Down", email), Instant.now()));
        settled(id, "Succeeded");
        SpotlerSandbox.spotlerFault("{\"status\":503,\"count\":100,\"method\":\"PUT\"}");
        try {
            Http.Answer refused = AdminApi.adminPost("/api/records/contact/" + id + "/erase");
            assertEquals(503, refused.status(), refused.body());
            assertTrue(refused.body().contains("nothing was erased"), refused.body());
        } finally {
            SpotlerSandbox.clearSpotlerFault();
        }
        assertFalse(whereIs(email).isEmpty(), "still held: the erasure did not happen");
    }

    @Test
    void retentionPrunesExactlyWhatIsOlderThanItsSetting() {
        String id = UUID.randomUUID().toString();
        String key = "contact:" + id;
        webhook(
                Contexts.create(
                        "contact",
                        id,
                        person("Rita", "Retained", "rita." + id.substring(0, 8) + "@example.com"),
                        Instant.now()));
        settled(id, "Succeeded");
        // rows on both sides of each setting's edge (history 400 days, ledger 30, interactions 90,
        // scheduled runs 30, failed back-sync items 30)
        String days = "DATEADD('DAY', -%d, CURRENT_TIMESTAMP)";
        for (int[] age : new int[][] {{401, 1}, {399, 2}}) {
            String at = String.format(days, age[0]);
            sql(
                    "INSERT INTO sync_history (record_key, happened_at, operation, outcome, detail)"
                            + " VALUES ('"
                            + key
                            + "', "
                            + at
                            + ", 'Aged', 'Succeeded', 'aged "
                            + age[0]
                            + "')");
            sql(
                    "INSERT INTO consent_change (record_key, happened_at, source, kind, subject)"
                            + " VALUES ('"
                            + key
                            + "', "
                            + at
                            + ", 'D365', 'aged', 'aged "
                            + age[0]
                            + "')");
        }
        for (int[] age : new int[][] {{31, 1}, {29, 2}}) {
            String at = String.format(days, age[0]);
            sql(
                    "INSERT INTO processed_event (event_key, processed_at) VALUES ('aged|"
                            + id
                            + "|"
                            + age[0]
                            + "', "
                            + at
                            + ")");
            sql(
                    "INSERT INTO scheduled_run (job, slot, node, claimed_at) VALUES ('aged-"
                            + id.substring(0, 8)
                            + "', "
                            + at
                            + ", 'it', "
                            + at
                            + ")");
            sql(
                    "INSERT INTO pull_failure (feed, item_key, external_id, record_key, reason,"
                            + " item, failed_at) VALUES ('aged', '"
                            + id
                            + age[0]
                            + "', '"
                            + id
                            + "', '"
                            + key
                            + "', 'aged', '{}', "
                            + at
                            + ")");
        }
        for (int[] age : new int[][] {{91, 1}, {89, 2}}) {
            String at = String.format(days, age[0]);
            sql(
                    "INSERT INTO interaction (interaction_id, kind, record_key, mailing_id,"
                            + " activity_id, happened_at) VALUES ('aged-"
                            + id
                            + "-"
                            + age[0]
                            + "', 'opened', '"
                            + key
                            + "', 'm', '"
                            + id
                            + "', "
                            + at
                            + ")");
        }
        // dead letters: three that have waited for ever, one new
        oldDeadLetters(id, 3, true);
        oldDeadLetters(id, 1, false);

        Http.Answer run = AdminApi.adminPost("/api/retention/run");
        assertEquals(200, run.status(), run.body());
        assertTrue(run.json().getInt("deadLettersExpired") >= 3, run.body());

        String ofRecord = " AND record_key = '" + key + "'";
        assertEquals(
                0, count("SELECT COUNT(*) FROM sync_history WHERE detail = 'aged 401'" + ofRecord));
        assertEquals(
                1, count("SELECT COUNT(*) FROM sync_history WHERE detail = 'aged 399'" + ofRecord));
        assertEquals(
                0,
                count("SELECT COUNT(*) FROM consent_change WHERE subject = 'aged 401'" + ofRecord));
        assertEquals(
                1,
                count("SELECT COUNT(*) FROM consent_change WHERE subject = 'aged 399'" + ofRecord));
        assertEquals(
                0,
                count(
                        "SELECT COUNT(*) FROM processed_event WHERE event_key = 'aged|"
                                + id
                                + "|31'"));
        assertEquals(
                1,
                count(
                        "SELECT COUNT(*) FROM processed_event WHERE event_key = 'aged|"
                                + id
                                + "|29'"));
        assertEquals(
                1,
                count(
                        "SELECT COUNT(*) FROM scheduled_run WHERE job = 'aged-"
                                + id.substring(0, 8)
                                + "'"));
        assertEquals(
                1, count("SELECT COUNT(*) FROM pull_failure WHERE external_id = '" + id + "'"));
        assertEquals(
                0,
                count(
                        "SELECT COUNT(*) FROM interaction WHERE interaction_id = 'aged-"
                                + id
                                + "-91'"));
        assertEquals(
                1,
                count(
                        "SELECT COUNT(*) FROM interaction WHERE interaction_id = 'aged-"
                                + id
                                + "-89'"));
        // the record's own recent history is untouched
        assertTrue(
                count("SELECT COUNT(*) FROM sync_history WHERE record_key = '" + key + "'") >= 2);
        // the new dead letter stays; the old ones are gone, each with a line in the history
        assertEquals(1, AdminApi.deadLettersOf(id).size());
        String history =
                AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
        assertEquals(3, history.split("\"Expired\"", -1).length - 1, history);
    }
}
