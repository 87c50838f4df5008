package dev.spotbridge.spotler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker the contract test holds the Spotler sandbox to: it finds what drifts. */
class SwaggerContractTest {

    private final SwaggerContract swagger = SwaggerContract.load();

    private static final String SENT =
            "{\"paging\":{\"after\":1},\"interactions\":[{\"id\":%s,\"externalContactId\":\"c1\","
                    + "\"encryptedMailingId\":\"m1\",\"trendReportId\":1,"
                    + "\"date\":\"2026-11-30T10:00:00+01:00\",\"changeDate\":\"2026-11-30T10:00:00+01:00\","
                    + "\"name\":\"n\",\"subject\":\"s\",\"onlineVersionLink\":\"https://x\"}]}";

    @Test
    void anInteractionIdIsAnInteger() {
        assertEquals(
                List.of(),
                swagger.check("GET", "/mailing-interaction/sent", 200, SENT.formatted("17")));
        List<String> drift =
                swagger.check("GET", "/mailing-interaction/sent", 200, SENT.formatted("\"17\""));
        assertEquals(1, drift.size(), drift.toString());
        assertTrue(drift.get(0).contains("MailingInteractionSent.id"), drift.toString());
    }

    @Test
    void fieldsTheModelDoesNotNameAndMissingRequiredOnesAreFound() {
        List<String> drift =
                swagger.check(
                        "GET",
                        "/contact/abc",
                        200,
                        "{\"externalId\":\"abc\",\"status\":\"ACTIVE\",\"lastChanged\":1764496800000}");
        assertEquals(1, drift.size(), drift.toString());
        assertTrue(drift.get(0).contains("no field status"), drift.toString());
        assertTrue(
                swagger.check(
                                "GET",
                                "/contact/abc",
                                404,
                                "{\"message\":\"Given contact not found\"}")
                        .get(0)
                        .contains("lacks required errorType"));
    }

    @Test
    void datesAndEnumsAreCheckedByTheirDescription() {
        String bounce =
                "{\"bounces\":[{\"date\":%s,\"type\":\"%s\",\"encryptedActId\":\"a\","
                        + "\"contact\":{\"externalId\":\"c\"}}]}";
        assertEquals(
                List.of(),
                swagger.check(
                        "GET",
                        "/contact/bounces/list",
                        200,
                        bounce.formatted("1764496800000", "HARDBOUNCE")));
        assertEquals(
                2,
                swagger.check(
                                "GET",
                                "/contact/bounces/list",
                                200,
                                bounce.formatted("\"yesterday\"", "HARD"))
                        .size());
    }

    @Test
    void aLiteralPathWinsOverAParameter() {
        assertEquals(
                List.of(),
                swagger.check(
                        "GET",
                        "/contact/updates/list",
                        200,
                        "{\"paging\":{\"next\":\"x\",\"after\":2},\"contacts\":[]}"));
    }
}
