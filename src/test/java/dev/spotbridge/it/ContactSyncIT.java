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
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A D365 change reaches the Spotler sandbox: what it holds afterwards, and how many writes it took.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ContactSyncIT {

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static Map<String, Object> anna() {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("firstname", "Anna");
        a.put("middlename", "Maria");
        a.put("lastname", "Kowalski");
        a.put("emailaddress1", "anna.kowalski@example.com");
        a.put("telephone1", "+49 30 1234567");
        a.put("mobilephone", "+49 170 1234567");
        a.put("address1_line1", "Hauptstrasse 12");
        a.put("address1_postalcode", "10115");
        a.put("address1_city", "Berlin");
        a.put("address1_country", "Germany");
        a.put("gendercode", Contexts.option(2));
        a.put("birthdate", Instant.parse("1988-04-23T00:00:00Z"));
        a.put("jobtitle", "Head of Marketing");
        a.put("statecode", Contexts.option(0));
        return a;
    }

    /** Anna's text columns as a contacts row of the Dataverse sandbox, owned by its user. */
    private static void annaInDataverse(String id) {
        var row = Json.createObjectBuilder();
        anna().forEach(
                        (k, v) -> {
                            if (v instanceof String text) {
                                row.add(k, text);
                            }
                        });
        row.add("ownerid@odata.bind", "/systemusers(" + DataverseSandbox.owner() + ")");
        DataverseSandbox.dataverseUpsert("contacts", id, row.build());
    }

    private static String created(Instant at) {
        String id = UUID.randomUUID().toString();
        assertEquals(202, webhook(Contexts.create("contact", id, anna(), at)).status());
        await(() -> spotlerContact(id).orElse(null), c -> true, "contact " + id + " in Spotler");
        awaitHistory("contact", id, 1);
        return id;
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    /**
     * The default mapping carries every Summary field of §2.1: a contact's name, company (its
     * parentcustomerid lookup, by name — from the image, and from Dataverse on a resync), email,
     * phones and full address; a lead's name, company, website, contact data and address; an
     * account's name, contact data, website and address.
     */
    @Test
    void theDefaultMappingCarriesEverySummaryField() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String account = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "accounts",
                account,
                Json.createObjectBuilder().add("name", "Acme BV " + tag).build());
        Map<String, Object> contact = anna();
        contact.put("emailaddress1", "anna." + tag + "@example.com");
        contact.put("parentcustomerid", Contexts.reference("account", account, "Acme BV " + tag));
        contact.put("address1_line2", "Hinterhaus");
        contact.put("address1_line3", "3. Etage");
        contact.put("address1_stateorprovince", "Berlin");
        String id = UUID.randomUUID().toString();
        assertEquals(202, webhook(Contexts.create("contact", id, contact, Instant.now())).status());
        JsonObject p =
                await(
                                () -> spotlerContact(id).orElse(null),
                                c -> true,
                                "contact " + id + " in Spotler")
                        .getJsonObject("properties");
        assertEquals("Acme BV " + tag, p.getString("organisation"));
        assertEquals("Hinterhaus", p.getString("addressLine2"));
        assertEquals("3. Etage", p.getString("addressLine3"));
        assertEquals("Berlin", p.getString("stateOrProvince"));
        assertEquals("Hauptstrasse 12", p.getString("street"));
        assertEquals("+49 170 1234567", p.getString("mobileNumber"));
        assertFalse(p.containsKey("jobTitle") || p.containsKey("jobtitle"));

        // read from Dataverse (a resync): the lookup's name comes as its formatted value
        String read = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                read,
                Json.createObjectBuilder()
                        .add("firstname", "Piet")
                        .add("lastname", "Post")
                        .add("emailaddress1", "piet." + tag + "@example.com")
                        .add("parentcustomerid_account@odata.bind", "/accounts(" + account + ")")
                        .add("ownerid@odata.bind", "/systemusers(" + DataverseSandbox.owner() + ")")
                        .build());
        Map<String, Object> bare = new LinkedHashMap<>();
        bare.put("firstname", "Piet");
        bare.put("lastname", "Post");
        bare.put("emailaddress1", "piet." + tag + "@example.com");
        assertEquals(202, webhook(Contexts.create("contact", read, bare, Instant.now())).status());
        await(
                () -> spotlerContact(read).orElse(null),
                c -> true,
                "contact " + read + " in Spotler");
        awaitHistory("contact", read, 1);
        assertEquals(202, AdminApi.adminPost("/api/records/contact/" + read + "/resync").status());
        await(
                () -> spotlerContact(read).orElseThrow().getJsonObject("properties"),
                props -> ("Acme BV " + tag).equals(props.getString("organisation", "")),
                "the company's name from Dataverse");

        Map<String, Object> lead = new LinkedHashMap<>();
        lead.put("subject", "Interested in the spring offer");
        lead.put("firstname", "Lotte");
        lead.put("middlename", "van");
        lead.put("lastname", "Dijk");
        lead.put("jobtitle", "Buyer");
        lead.put("companyname", "Dijk Trading " + tag);
        lead.put("websiteurl", "https://dijk.example.com");
        lead.put("emailaddress1", "lotte." + tag + "@example.com");
        lead.put("telephone1", "+31 30 1234567");
        lead.put("mobilephone", "+31 6 12345678");
        lead.put("address1_line1", "Oudegracht 1");
        lead.put("address1_line2", "Achterom");
        lead.put("address1_line3", "Unit 4");
        lead.put("address1_postalcode", "3511 AA");
        lead.put("address1_city", "Utrecht");
        lead.put("address1_stateorprovince", "Utrecht");
        lead.put("address1_country", "Netherlands");
        lead.put("statecode", Contexts.option(0));
        String leadId = UUID.randomUUID().toString();
        assertEquals(202, webhook(Contexts.create("lead", leadId, lead, Instant.now())).status());
        JsonObject l =
                await(() -> spotlerContact(leadId).orElse(null), c -> true, "lead in Spotler")
                        .getJsonObject("properties");
        assertEquals("Lotte", l.getString("firstName"));
        assertEquals("van", l.getString("infix"));
        assertEquals("Dijk", l.getString("lastName"));
        assertEquals("Dijk Trading " + tag, l.getString("organisation"));
        assertEquals("https://dijk.example.com", l.getString("website"));
        assertEquals("+31 30 1234567", l.getString("phoneNumber"));
        assertEquals("+31 6 12345678", l.getString("mobileNumber"));
        assertEquals("Oudegracht 1", l.getString("street"));
        assertEquals("Achterom", l.getString("addressLine2"));
        assertEquals("Unit 4", l.getString("addressLine3"));
        assertEquals("3511 AA", l.getString("postalCode"));
        assertEquals("Utrecht", l.getString("city"));
        assertEquals("Utrecht", l.getString("stateOrProvince"));
        assertEquals("Netherlands", l.getString("country"));
        assertFalse(l.toString().contains("spring offer") || l.toString().contains("Buyer"));

        Map<String, Object> company = new LinkedHashMap<>();
        company.put("name", "Noord Logistiek " + tag);
        company.put("emailaddress1", "info." + tag + "@noord.example.com");
        company.put("telephone1", "+31 50 7654321");
        company.put("websiteurl", "https://noord.example.com");
        company.put("address1_line1", "Havenweg 9");
        company.put("address1_line2", "Kade 2");
        company.put("address1_line3", "Loods B");
        company.put("address1_postalcode", "9711 AB");
        company.put("address1_city", "Groningen");
        company.put("address1_stateorprovince", "Groningen");
        company.put("address1_country", "Netherlands");
        company.put("statecode", Contexts.option(0));
        String accountId = UUID.randomUUID().toString();
        assertEquals(
                202,
                webhook(Contexts.create("account", accountId, company, Instant.now())).status());
        JsonObject a =
                await(() -> spotlerContact(accountId).orElse(null), c -> true, "account in Spotler")
                        .getJsonObject("properties");
        assertEquals("Noord Logistiek " + tag, a.getString("organisation"));
        assertEquals("info." + tag + "@noord.example.com", a.getString("email"));
        assertEquals("+31 50 7654321", a.getString("phoneNumber"));
        assertEquals("https://noord.example.com", a.getString("website"));
        assertEquals("Havenweg 9", a.getString("street"));
        assertEquals("Kade 2", a.getString("addressLine2"));
        assertEquals("Loods B", a.getString("addressLine3"));
        assertEquals("9711 AB", a.getString("postalCode"));
        assertEquals("Groningen", a.getString("city"));
        assertEquals("Groningen", a.getString("stateOrProvince"));
        assertEquals("Netherlands", a.getString("country"));
    }

    @Test
    void createPutsTheMappedContactIntoSpotler() {
        long refused = SpotlerSandbox.refusedSignatures();
        String id = created(Instant.now());
        JsonObject contact = spotlerContact(id).orElseThrow();
        JsonObject p = contact.getJsonObject("properties");
        assertEquals(id, contact.getString("externalId"));
        assertEquals("Anna", p.getString("firstName"));
        assertEquals("Maria", p.getString("infix"));
        assertEquals("Kowalski", p.getString("lastName"));
        assertEquals("anna.kowalski@example.com", p.getString("email"));
        assertEquals("+49 30 1234567", p.getString("phoneNumber"));
        assertEquals("+49 170 1234567", p.getString("mobileNumber"));
        assertEquals("Hauptstrasse 12", p.getString("street"));
        assertEquals("10115", p.getString("postalCode"));
        assertEquals("Berlin", p.getString("city"));
        assertEquals("Germany", p.getString("country"));
        assertEquals("F", p.getString("gender"));
        assertEquals("1988-04-23", p.getString("birthday"));
        assertFalse(p.containsKey("jobtitle") || p.containsKey("jobTitle"));
        assertEquals(
                refused, SpotlerSandbox.refusedSignatures(), "every request was signed correctly");
        JsonObject record = AdminApi.record("contact", id).orElseThrow();
        assertEquals("Succeeded", record.getString("status"));
        assertFalse(record.isNull("lastSyncedAt"));
    }

    @Test
    void recordsAreFoundByIdEmailOrNameAndAWrongStatusIs400() {
        String id = created(Instant.now());
        String email = "search." + id.substring(0, 8) + "@example.com";
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("fullname", "Anna Searchable" + id.substring(0, 8))
                        .add("emailaddress1", email)
                        .build());
        String byId = search("q=" + id.toUpperCase(Locale.ROOT));
        assertTrue(byId.contains("\"id\":\"" + id + "\""), byId);
        String byEmail = search("q=" + email);
        assertTrue(byEmail.contains("\"id\":\"" + id + "\""), byEmail);
        assertTrue(byEmail.contains("\"email\":\"" + email + "\""), byEmail);
        String byName = search("q=searchable" + id.substring(0, 8) + "&status=Succeeded");
        assertTrue(byName.contains("\"name\":\"Anna Searchable" + id.substring(0, 8)), byName);
        assertEquals("[]", search("q=searchable" + id.substring(0, 8) + "&status=Failed"));
        assertEquals("[]", search("q=nobody." + id + "@example.com"));
        Http.Answer wrong = Http.get(Http.BASE + "/api/records?status=Done", AdminApi.ADMIN);
        assertEquals(400, wrong.status(), wrong.body());
        assertTrue(wrong.body().contains("status must be one of"), wrong.body());
        assertEquals(401, Http.get(Http.BASE + "/api/records?q=x", null).status());
    }

    private static String search(String query) {
        Http.Answer answer = Http.get(Http.BASE + "/api/records?" + query, AdminApi.ADMIN);
        assertEquals(200, answer.status(), answer.body());
        return answer.body();
    }

    @Test
    void leadAndAccountToo() {
        String lead = UUID.randomUUID().toString();
        Map<String, Object> l = with(anna(), "companyname", "Berg Logistik GmbH");
        assertEquals(202, webhook(Contexts.create("lead", lead, l, Instant.now())).status());
        String account = UUID.randomUUID().toString();
        assertEquals(
                202,
                webhook(
                                Contexts.create(
                                        "account",
                                        account,
                                        Map.of(
                                                "name",
                                                "Berg Logistik GmbH",
                                                "emailaddress1",
                                                "info@berg.example",
                                                "address1_city",
                                                "Hamburg"),
                                        Instant.now()))
                        .status());
        JsonObject leadContact =
                await(() -> spotlerContact(lead).orElse(null), c -> true, "lead in Spotler");
        assertEquals(
                "Berg Logistik GmbH",
                leadContact.getJsonObject("properties").getString("organisation"));
        JsonObject accountContact =
                await(() -> spotlerContact(account).orElse(null), c -> true, "account in Spotler");
        assertEquals(
                "Berg Logistik GmbH",
                accountContact.getJsonObject("properties").getString("organisation"));
        assertEquals("Hamburg", accountContact.getJsonObject("properties").getString("city"));
    }

    @Test
    void updateChangesTheContactAndANoOpUpdateWritesNothing() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        Map<String, Object> changed = with(anna(), "lastname", "Nowak");
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "contact",
                                        id,
                                        Map.of("lastname", "Nowak"),
                                        changed,
                                        t0.plusSeconds(1),
                                        UUID.randomUUID().toString()))
                        .status());
        await(() -> spotlerProperties(id).getString("lastName"), "Nowak"::equals, "lastName Nowak");

        awaitHistory("contact", id, 2);
        long writes = spotlerWrites();
        // a second Update with the same mapped values (here only jobtitle, which is not mapped,
        // changed)
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "contact",
                                        id,
                                        Map.of("jobtitle", "CEO"),
                                        with(changed, "jobtitle", "CEO"),
                                        t0.plusSeconds(2),
                                        UUID.randomUUID().toString()))
                        .status());
        JsonObject record = awaitHistory("contact", id, 3);
        assertEquals("NoChange", last(record).getString("outcome"), record.toString());
        assertEquals(writes, spotlerWrites(), "a no-op update makes zero Spotler writes");
    }

    @Test
    void updateWithoutImageReadsTheRecordFromDataverse() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Anna")
                        .add("lastname", "Fromdataverse")
                        .add("emailaddress1", "anna.kowalski@example.com")
                        .add("address1_city", "Potsdam")
                        .add("statecode", 0)
                        .build());
        assertEquals(
                202,
                webhook(
                                Contexts.update(
                                        "contact",
                                        id,
                                        Map.of("lastname", "Fromdataverse"),
                                        null,
                                        Instant.now(),
                                        UUID.randomUUID().toString()))
                        .status());
        await(
                () -> spotlerProperties(id).getString("city", ""),
                "Potsdam"::equals,
                "city read from Dataverse");
        assertEquals("Fromdataverse", spotlerProperties(id).getString("lastName"));
    }

    @Test
    void payloadStrippedByDataverseIsCompletedFromTheWebApi() throws Exception {
        String id = UUID.randomUUID().toString();
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Stripped")
                        .add("lastname", "Payload")
                        .add("emailaddress1", "stripped@example.com")
                        .add("statecode", 0)
                        .build());
        String body =
                new String(
                                ContactSyncIT.class
                                        .getResourceAsStream(
                                                "/dataverse-samples/12-contact-update-stripped.json")
                                        .readAllBytes())
                        .replace("5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21", id)
                        .replace(
                                "0c1d2e3f-0494-f011-b4cc-000d3a4f8c21",
                                UUID.randomUUID().toString());
        Http.Answer a =
                Http.send(
                        HttpRequest.newBuilder(URI.create(Http.BASE + "/api/d365/webhook"))
                                .header("Content-Type", "application/json")
                                .header("x-spotbridge-key", Webhooks.KEY)
                                .header("x-ms-dynamics-msg-size-exceeded", "true")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build());
        assertEquals(202, a.status(), a.body());
        await(
                () ->
                        spotlerContact(id)
                                .map(c -> c.getJsonObject("properties").getString("firstName", ""))
                                .orElse(""),
                "Stripped"::equals,
                "the stripped Update completed from Dataverse");
        assertEquals("stripped@example.com", spotlerProperties(id).getString("email"));
    }

    @Test
    void redeliveredWebhookHasOneEffect() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        long writes = spotlerWrites();
        String update =
                Contexts.update(
                        "contact",
                        id,
                        Map.of("firstname", "Annabel"),
                        with(anna(), "firstname", "Annabel"),
                        t0.plusSeconds(5),
                        UUID.randomUUID().toString());
        assertEquals(202, webhook(update).status());
        assertEquals(202, webhook(update).status());
        JsonObject record = awaitHistory("contact", id, 3);
        assertEquals("Annabel", spotlerProperties(id).getString("firstName"));
        assertEquals(writes + 1, spotlerWrites(), "the same delivery twice, one write");
        assertTrue(
                record.getJsonArray("history").toString().contains("duplicate delivery"),
                record.toString());
    }

    @Test
    void olderChangeNeverOverwritesNewer() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Newer"),
                        with(anna(), "lastname", "Newer"),
                        t0.plusSeconds(20),
                        UUID.randomUUID().toString()));
        awaitHistory("contact", id, 2);
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Older"),
                        with(anna(), "lastname", "Older"),
                        t0.plusSeconds(10),
                        UUID.randomUUID().toString()));
        JsonObject record = awaitHistory("contact", id, 3);
        assertEquals("Skipped", last(record).getString("outcome"));
        assertEquals("Newer", spotlerProperties(id).getString("lastName"));
    }

    @Test
    void twentyInterleavedUpdatesEndInTheNewestState() {
        Instant t0 = Instant.now().minusSeconds(600);
        String a = created(t0);
        String b = created(t0);
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            for (String id : List.of(a, b)) {
                Map<String, Object> image =
                        with(
                                with(anna(), "lastname", "V" + i + id.substring(0, 4)),
                                "address1_city",
                                "City" + i);
                bodies.add(
                        Contexts.update(
                                "contact",
                                id,
                                Map.of("lastname", "V" + i + id.substring(0, 4)),
                                image,
                                t0.plusSeconds(i),
                                UUID.randomUUID().toString()));
            }
        }
        Collections.shuffle(bodies, new Random(42));
        bodies.forEach(body -> assertEquals(202, webhook(body).status()));
        awaitHistory("contact", a, 21);
        awaitHistory("contact", b, 21);
        assertEquals("V20" + a.substring(0, 4), spotlerProperties(a).getString("lastName"));
        assertEquals("City20", spotlerProperties(a).getString("city"));
        assertEquals("V20" + b.substring(0, 4), spotlerProperties(b).getString("lastName"));
        assertEquals("City20", spotlerProperties(b).getString("city"));
    }

    @Test
    void deleteBlanksTheContactAndNothingBringsItBack() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        assertEquals(202, webhook(Contexts.delete("contact", id)).status());
        awaitHistory("contact", id, 2);
        assertBlank(id);
        // a late Update (delivered out of order) must not resurrect it
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("lastname", "Ghost"),
                        with(anna(), "lastname", "Ghost"),
                        Instant.now().plusSeconds(5),
                        UUID.randomUUID().toString()));
        JsonObject record = awaitHistory("contact", id, 3);
        assertEquals("Skipped", last(record).getString("outcome"));
        assertBlank(id);
    }

    /**
     * A record restored from the Dataverse recycle bin syncs again: a Create (or Restore) newer
     * than the Delete lifts the tombstone, while a late Create from before the Delete still cannot
     * bring it back.
     */
    @Test
    void aRecordRestoredFromTheRecycleBinSyncsAgain() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        assertEquals(202, webhook(Contexts.delete("contact", id)).status());
        awaitHistory("contact", id, 2);
        assertBlank(id);
        // the Create of the first sync, delivered again late: the tombstone holds
        assertEquals(202, webhook(Contexts.create("contact", id, anna(), t0)).status());
        JsonObject record = awaitHistory("contact", id, 3);
        assertEquals("Skipped", last(record).getString("outcome"));
        assertBlank(id);

        // restored from the recycle bin: Dataverse holds the record again and says so
        annaInDataverse(id);
        assertEquals(
                202,
                webhook(Contexts.create("contact", id, anna(), Instant.now().plusSeconds(5)))
                        .status());
        JsonObject revived = awaitHistory("contact", id, 4);
        try {
            await(
                    () -> spotlerProperties(id),
                    p -> "Kowalski".equals(p.getString("lastName", "")),
                    "the restored record's data back in Spotler");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the record: " + revived, e);
        }
        assertEquals("Succeeded", AdminApi.record("contact", id).orElseThrow().getString("status"));
    }

    /**
     * Profile enrichment (§6): a value the contact changed in Spotler (a preference page) flows
     * into the D365 column the default mapping maps back (mobilephone ↔ mobileNumber), hourly and
     * on demand; it is not echoed back to Spotler; and an older Spotler value never overwrites a
     * newer D365 change.
     */
    @Test
    void aValueChangedInSpotlerFlowsBackWithoutEchoAndNewestWins() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = UUID.randomUUID().toString();
        annaInDataverse(id);
        assertEquals(202, webhook(Contexts.create("contact", id, anna(), t0)).status());
        await(() -> spotlerContact(id).orElse(null), c -> true, "contact " + id + " in Spotler");
        awaitHistory("contact", id, 1);

        Http.control(
                "/sandbox/spotler/_control/contacts/" + id + "/form",
                "{\"formId\":7,\"formName\":\"Preferences\",\"properties\":{\"mobileNumber\":\"+49 170 7654321\"}}");
        JsonObject run = AdminApi.adminPost("/api/backsync/run").json();
        assertTrue(run.getInt("profileValuesFromSpotler") >= 1, run.toString());
        assertEquals(
                "+49 170 7654321",
                DataverseSandbox.dataverseRow("contacts", id)
                        .orElseThrow()
                        .getString("mobilephone"));
        String history =
                AdminApi.record("contact", id).orElseThrow().getJsonArray("history").toString();
        assertTrue(history.contains("Enrichment"), history);

        // Dataverse raises an Update for that write: it maps to what Spotler holds, nothing goes
        // back
        Map<String, Object> post = with(anna(), "mobilephone", "+49 170 7654321");
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("mobilephone", "+49 170 7654321"),
                        post,
                        Instant.now().plusSeconds(5),
                        UUID.randomUUID().toString()));
        JsonObject echo =
                await(
                        () -> AdminApi.record("contact", id).orElseThrow(),
                        r -> r.getJsonArray("history").toString().contains("unchanged"),
                        "the echo handled");
        // the test's Update and the one Dataverse raised for the write (whichever comes first,
        // the other is older or the same): neither writes to Spotler
        assertTrue(
                echo.getJsonArray("history").getValuesAs(JsonObject.class).stream()
                        .filter(h -> "Update".equals(h.getString("operation")))
                        .allMatch(
                                h ->
                                        List.of("NoChange", "Skipped")
                                                .contains(h.getString("outcome"))),
                "no write back to Spotler: " + echo);
        assertEquals("+49 170 7654321", spotlerProperties(id).getString("mobileNumber"));

        // a value Spotler changed before that D365 change stays out of D365 (on demand)
        Http.control(
                "/sandbox/spotler/_control/contacts/" + id + "/form",
                "{\"formId\":7,\"formName\":\"Preferences\",\"at\":"
                        + Instant.now().minusSeconds(3600).toEpochMilli()
                        + ",\"properties\":{\"mobileNumber\":\"+49 170 0000000\"}}");
        JsonObject now = AdminApi.adminPost("/api/records/contact/" + id + "/enrich").json();
        assertTrue(now.getJsonObject("kept").containsKey("mobileNumber"), now.toString());
        assertEquals(
                "+49 170 7654321",
                DataverseSandbox.dataverseRow("contacts", id)
                        .orElseThrow()
                        .getString("mobilephone"));
    }

    @Test
    void deactivateBlanksAndReactivateRestoresDataAndPermissions() {
        Instant t0 = Instant.now().minusSeconds(60);
        String id = created(t0);
        // the contact subscribed to the newsletter (bit 1) and events (bit 4) in Spotler
        Http.Answer put =
                SpotlerSandbox.spotler(
                        "PUT",
                        "/contact/" + id,
                        "{\"purge\":false,\"contact\":{\"externalId\":\""
                                + id
                                + "\",\"properties\":{\"permissions\":[{\"bit\":1,\"enabled\":true},{\"bit\":4,\"enabled\":true}]}}}");
        assertEquals(204, put.status(), put.body());
        DataverseSandbox.dataverseUpsert(
                "contacts",
                id,
                Json.createObjectBuilder()
                        .add("firstname", "Anna")
                        .add("lastname", "Kowalski")
                        .add("emailaddress1", "anna.kowalski@example.com")
                        .add("address1_city", "Berlin")
                        .add("gendercode", 2)
                        .add("birthdate", "1988-04-23")
                        .add("statecode", 0)
                        .build());

        // deactivation arrives as an Update of statecode (what the UI and the Web API send)
        webhook(
                Contexts.update(
                        "contact",
                        id,
                        Map.of("statecode", Contexts.option(1), "statuscode", Contexts.option(2)),
                        with(anna(), "statecode", Contexts.option(1)),
                        t0.plusSeconds(10),
                        UUID.randomUUID().toString()));
        awaitHistory("contact", id, 2);
        assertBlank(id);

        // reactivation by the legacy SetStateDynamicEntity message: data read from Dataverse,
        // permissions restored
        assertEquals(202, webhook(Contexts.setState("contact", id, 0)).status());
        awaitHistory("contact", id, 3);
        JsonObject p = spotlerProperties(id);
        assertEquals("Anna", p.getString("firstName"));
        assertEquals("anna.kowalski@example.com", p.getString("email"));
        assertEquals("Berlin", p.getString("city"));
        assertEquals("1988-04-23", p.getString("birthday"));
        assertEquals(Map.of(1L, true, 4L, true), enabledBits(p.getJsonArray("permissions")));
        assertEquals("Succeeded", AdminApi.record("contact", id).orElseThrow().getString("status"));
    }

    @Test
    void setStateDeactivationBlanks() {
        String id = created(Instant.now().minusSeconds(60));
        assertEquals(202, webhook(Contexts.setState("contact", id, 1)).status());
        awaitHistory("contact", id, 2);
        assertBlank(id);
    }

    private static void assertBlank(String id) {
        JsonObject p = spotlerProperties(id);
        for (String key : p.keySet()) {
            if (!key.equals("permissions")) {
                throw new AssertionError("personal data left in the blanked contact: " + p);
            }
        }
        for (JsonValue bit : p.getJsonArray("permissions")) {
            assertFalse(bit.asJsonObject().getBoolean("enabled"), "permission still on: " + p);
        }
        assertEquals(
                3,
                p.getJsonArray("permissions").size(),
                "every permission bit of the account is off: " + p);
    }

    private static Map<Long, Boolean> enabledBits(JsonArray permissions) {
        Map<Long, Boolean> on = new LinkedHashMap<>();
        permissions.forEach(
                p -> {
                    if (p.asJsonObject().getBoolean("enabled")) {
                        on.put(p.asJsonObject().getJsonNumber("bit").longValue(), true);
                    }
                });
        return on;
    }

    static JsonObject last(JsonObject record) {
        List<JsonObject> events = AdminApi.events(record);
        return events.get(events.size() - 1);
    }
}
