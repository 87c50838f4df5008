package dev.spotbridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.spotbridge.spotler.SwaggerContract;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spotler sandbox answers every operation Spotbridge uses as the Swagger describes it, to the
 * field name and JSON type, its error answers included: a sandbox that drifted from the description
 * would hide the bug it should find (an interaction id sent as text where Spotler sends an integer
 * did).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SpotlerContractIT {

    private static final SwaggerContract SWAGGER = SwaggerContract.load();

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private final List<String> problems = new ArrayList<>();

    /** A signed call of the sandbox's API; its answer checked against the description. */
    private Http.Answer call(String method, String path, String json, int expectedStatus) {
        Http.Answer a = SpotlerSandbox.spotler(method, path, json);
        assertEquals(expectedStatus, a.status(), method + " " + path + ": " + a.body());
        String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        problems.addAll(SWAGGER.check(method, bare, a.status(), a.body()));
        return a;
    }

    private static String window() {
        LocalDateTime now =
                LocalDateTime.now(ZoneId.of("Europe/Amsterdam")).truncatedTo(ChronoUnit.SECONDS);
        return "pageSize=100&fromDate=" + now.minusHours(1) + "&toDate=" + now.plusHours(1);
    }

    @Test
    void everyOperationSpotbridgeUsesAnswersAsDescribed() {
        String id = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        String tag = id.substring(0, 8);

        // contacts
        call("GET", "/contact/properties/list", null, 200);
        call(
                "POST",
                "/contact/list",
                "{\"update\":true,\"purge\":false,\"contacts\":["
                        + "{\"externalId\":\""
                        + id
                        + "\",\"properties\":{\"email\":\"c."
                        + tag
                        + "@example.com\",\"firstName\":\"Con\"},"
                        + "\"channels\":[{\"name\":\"EMAIL\",\"value\":true}]},"
                        + "{\"externalId\":\""
                        + other
                        + "\",\"properties\":{\"email\":\"not an address\"}}]}",
                200);
        call(
                "PUT",
                "/contact/" + id,
                "{\"update\":true,\"purge\":false,\"contact\":{\"externalId\":\""
                        + id
                        + "\",\"properties\":{\"lastName\":\"Tract\"}}}",
                204);
        call("GET", "/contact/" + id, null, 200);
        call("GET", "/contact/" + UUID.randomUUID(), null, 404);
        call("GET", "/contact/updates/list?" + window(), null, 200);

        // feeds: bounces, the four interaction feeds, mailings
        SpotlerSandbox.spotlerBounce(
                "{\"externalId\":\""
                        + id
                        + "\",\"type\":\"SOFTBOUNCE\",\"encryptedActId\":\"m-"
                        + tag
                        + "\"}");
        call("GET", "/contact/bounces/list?" + window(), null, 200);
        String mailing = "mail-" + tag;
        for (String kind : List.of("sent", "opened", "clicked", "bounced")) {
            SpotlerSandbox.spotlerInteractions(
                    "{\"kind\":\""
                            + kind
                            + "\",\"externalContactIds\":[\""
                            + id
                            + "\"],\"encryptedMailingId\":\""
                            + mailing
                            + "\",\"bounceType\":\"SOFT\"}");
            call(
                    "GET",
                    "/mailing-interaction/" + kind + "?" + window().replace("Date", "ChangeDate"),
                    null,
                    200);
        }
        call("GET", "/mailing/" + mailing, null, 200);
        call("GET", "/mailing/unknown-" + tag, null, 404);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"sent\",\"externalContactIds\":[\""
                        + id
                        + "\"],\"encryptedMailingId\":\"cm-"
                        + tag
                        + "\",\"campaign\":true}");
        call("GET", "/campaign-mailing/cm-" + tag, null, 200);
        call("GET", "/mailing/" + mailing + "/clicks/" + id, null, 200);
        SpotlerSandbox.spotlerInteractions(
                "{\"kind\":\"clicked\",\"externalContactIds\":[\""
                        + id
                        + "\"],\"encryptedMailingId\":\"cm-"
                        + tag
                        + "\",\"campaign\":true,\"linkId\":2}");
        call("GET", "/campaign-mailing/cm-" + tag + "/clicks", null, 200);

        // audiences
        String audience = "aud-" + tag;
        call(
                "POST",
                "/audience",
                "{\"externalId\":\"" + audience + "\",\"name\":\"Contract " + tag + "\"}",
                200);
        call("GET", "/audience/" + audience, null, 200);
        call(
                "PUT",
                "/audience/" + audience,
                "{\"externalId\":\"" + audience + "\",\"name\":\"Contract 2 " + tag + "\"}",
                200);
        call("POST", "/audience/" + audience + "/contact", "{\"contacts\":[\"" + id + "\"]}", 204);
        call(
                "DELETE",
                "/audience/" + audience + "/contact",
                "{\"contacts\":[\"" + id + "\"]}",
                204);
        call("DELETE", "/audience/" + audience, null, 204);
        call("GET", "/audience/" + audience, null, 404);

        // temporary lists, and an edition without audiences
        String temporary = "tmp-" + tag;
        call(
                "POST",
                "/templist",
                "{\"externalTemporaryListId\":\""
                        + temporary
                        + "\",\"name\":\"Contract "
                        + tag
                        + "\",\"contacts\":[\""
                        + id
                        + "\"]}",
                204);
        call("POST", "/templist/" + temporary, "{\"contacts\":[\"" + id + "\"]}", 204);
        call("GET", "/templist", null, 200);
        call("DELETE", "/templist/" + temporary, null, 204);
        call("DELETE", "/templist/" + temporary, null, 404);
        SpotlerSandbox.spotlerEdition(false);
        try {
            call("GET", "/audience/" + audience, null, 403);
        } finally {
            SpotlerSandbox.spotlerEdition(true);
        }

        // campaigns and automations
        String campaign = "cmp-" + tag;
        String trigger = "trg-" + tag;
        SpotlerSandbox.spotlerCampaign(campaign, trigger);
        call("GET", "/campaign/list", null, 200);
        String contactRef = "{\"externalContactId\":\"" + id + "\"}";
        call("POST", "/campaign/trigger/" + trigger, contactRef, 204);
        call("POST", "/campaign/trigger/" + trigger, contactRef, 400);
        call("POST", "/campaign/trigger/unknown-" + tag, contactRef, 404);
        call("POST", "/campaign/" + campaign + "/stop", contactRef, 204);
        String code = UUID.randomUUID().toString();
        SpotlerSandbox.spotlerCampaignSetup("{\"automationCode\":\"" + code + "\"}");
        call("POST", "/automation/trigger/" + code, contactRef, 200);
        call("POST", "/automation/trigger/" + code, contactRef, 417);
        call("POST", "/automation/trigger/" + UUID.randomUUID(), contactRef, 404);

        assertEquals(List.of(), problems, String.join("\n", problems));
    }
}
