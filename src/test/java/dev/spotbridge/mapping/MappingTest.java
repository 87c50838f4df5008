package dev.spotbridge.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonValue;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Pins the default mapping the product promises. */
class MappingTest {

    private final Mapping mapping = Mapping.defaults();

    private static Map<String, JsonValue> contact() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put("firstname", Json.createValue("Anna"));
        record.put("middlename", Json.createValue("Maria"));
        record.put("lastname", Json.createValue("Kowalski"));
        record.put("emailaddress1", Json.createValue("anna@example.com"));
        record.put("telephone1", Json.createValue("+49 30 1234567"));
        record.put("mobilephone", Json.createValue("+49 170 1234567"));
        record.put("address1_line1", Json.createValue("Hauptstrasse 12"));
        record.put("address1_postalcode", Json.createValue("10115"));
        record.put("address1_city", Json.createValue("Berlin"));
        record.put("address1_country", Json.createValue("Germany"));
        record.put("gendercode", Json.createValue(2));
        record.put("birthdate", Json.createValue("1988-04-23T00:00:00Z"));
        record.put("jobtitle", Json.createValue("CEO"));
        record.put("fax", Json.createValue("+49 30 999"));
        record.put("donotbulkemail", JsonValue.FALSE);
        record.put("preferredcontactmethodcode", Json.createValue(1));
        return record;
    }

    @Test
    void aLookupMapsByTheNameOfTheRowItRefersTo() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put(
                "parentcustomerid",
                Json.createObjectBuilder()
                        .add("id", "6a1b0f3e-1111-4c2d-9e8f-000000000001")
                        .add("logicalName", "account")
                        .add("name", "Acme BV")
                        .build());
        assertEquals(
                Json.createValue("Acme BV"), mapping.apply("contact", record).get("organisation"));
        record.put("parentcustomerid", JsonValue.NULL);
        assertEquals(JsonValue.NULL, mapping.apply("contact", record).get("organisation"));
        // the Web API selects a lookup as its _x_value; the image names it by its logical name
        assertTrue(mapping.selectColumns("contact").contains("_parentcustomerid_value"));
        assertTrue(mapping.columns("contact").contains("parentcustomerid"));
    }

    @Test
    void contactDefault() {
        Map<String, JsonValue> p = mapping.apply("contact", contact());
        assertEquals(
                Map.ofEntries(
                        Map.entry("firstName", Json.createValue("Anna")),
                        Map.entry("infix", Json.createValue("Maria")),
                        Map.entry("lastName", Json.createValue("Kowalski")),
                        Map.entry("email", Json.createValue("anna@example.com")),
                        Map.entry("phoneNumber", Json.createValue("+49 30 1234567")),
                        Map.entry("mobileNumber", Json.createValue("+49 170 1234567")),
                        Map.entry("street", Json.createValue("Hauptstrasse 12")),
                        Map.entry("postalCode", Json.createValue("10115")),
                        Map.entry("city", Json.createValue("Berlin")),
                        Map.entry("country", Json.createValue("Germany")),
                        Map.entry("gender", Json.createValue("F")),
                        Map.entry("birthday", Json.createValue("1988-04-23"))),
                p);
    }

    @Test
    void contactLeavesOutJobTitleFaxAndPreferences() {
        assertFalse(mapping.columns("contact").contains("jobtitle"));
        assertFalse(mapping.columns("contact").contains("fax"));
        assertFalse(mapping.columns("contact").contains("preferredcontactmethodcode"));
    }

    @Test
    void genderCodes() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put("gendercode", Json.createValue(1));
        assertEquals(Json.createValue("M"), mapping.apply("contact", record).get("gender"));
        record.put("gendercode", Json.createValue(2));
        assertEquals(Json.createValue("F"), mapping.apply("contact", record).get("gender"));
        record.put("gendercode", Json.createValue(3));
        assertEquals(
                JsonValue.NULL,
                mapping.apply("contact", record).get("gender"),
                "no Spotler value for other codes");
    }

    @Test
    void birthdateFromWebApiDateOnlyAndFromWebhookInstant() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put("birthdate", Json.createValue("1990-12-31"));
        assertEquals(
                Json.createValue("1990-12-31"), mapping.apply("contact", record).get("birthday"));
        record.put("birthdate", Json.createValue("1990-12-31T00:00:00Z"));
        assertEquals(
                Json.createValue("1990-12-31"), mapping.apply("contact", record).get("birthday"));
    }

    @Test
    void nullClearsAbsentLeavesAlone() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put("middlename", JsonValue.NULL);
        Map<String, JsonValue> p = mapping.apply("contact", record);
        assertEquals(JsonValue.NULL, p.get("infix"));
        assertFalse(p.containsKey("firstName"), "a column the event does not carry is not touched");
    }

    @Test
    void leadHasCompanyButNotTopicOrJobTitle() {
        Map<String, JsonValue> record = new LinkedHashMap<>(contact());
        record.put("companyname", Json.createValue("Berg Logistik GmbH"));
        record.put("subject", Json.createValue("Newsletter signup"));
        Map<String, JsonValue> p = mapping.apply("lead", record);
        assertEquals(Json.createValue("Berg Logistik GmbH"), p.get("organisation"));
        assertEquals(Json.createValue("Anna"), p.get("firstName"));
        assertEquals(Json.createValue("Berlin"), p.get("city"));
        assertFalse(mapping.columns("lead").contains("subject"));
        assertFalse(mapping.columns("lead").contains("jobtitle"));
    }

    @Test
    void accountNameIsOrganisation() {
        Map<String, JsonValue> record = new LinkedHashMap<>();
        record.put("name", Json.createValue("Berg Logistik GmbH"));
        record.put("emailaddress1", Json.createValue("info@berg.example"));
        record.put("telephone1", Json.createValue("+49 40 555000"));
        record.put("address1_line1", Json.createValue("Hafenstrasse 7"));
        record.put("address1_postalcode", Json.createValue("20457"));
        record.put("address1_city", Json.createValue("Hamburg"));
        record.put("address1_country", Json.createValue("Germany"));
        Map<String, JsonValue> p = mapping.apply("account", record);
        assertEquals(
                List.of(
                        "organisation",
                        "email",
                        "phoneNumber",
                        "street",
                        "postalCode",
                        "city",
                        "country"),
                List.copyOf(p.keySet()));
    }

    @Test
    void customMappingFile() {
        String json =
                "{\"entities\":{\"contact\":{\"jobtitle\":\"function\",\"gendercode\":{\"to\":\"sex\",\"values\":{\"1\":\"male\"}}}}}";
        Mapping custom =
                Mapping.parse(
                        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                        "custom.json");
        Map<String, JsonValue> p = custom.apply("contact", contact());
        assertEquals(Json.createValue("CEO"), p.get("function"));
        assertTrue(custom.maps("contact"));
        assertFalse(custom.maps("lead"));
    }

    @Test
    void badMappingFilesSayWhatIsWrong() {
        InvalidMappingException e =
                assertThrows(
                        InvalidMappingException.class,
                        () ->
                                Mapping.parse(
                                        new ByteArrayInputStream(
                                                "{\"entities\":{\"contact\":{\"x\":{\"type\":\"date\"}}}}"
                                                        .getBytes(StandardCharsets.UTF_8)),
                                        "m.json"));
        assertTrue(e.getMessage().contains("m.json: entities.contact.x"), e.getMessage());
        assertThrows(
                InvalidMappingException.class,
                () ->
                        Mapping.parse(
                                new ByteArrayInputStream(
                                        "{\"entities\":{\"contact\":{\"x\":{\"to\":\"y\",\"type\":\"money\"}}}}"
                                                .getBytes(StandardCharsets.UTF_8)),
                                "m.json"));
        assertThrows(
                InvalidMappingException.class,
                () ->
                        Mapping.parse(
                                new ByteArrayInputStream("[1]".getBytes(StandardCharsets.UTF_8)),
                                "m.json"));
    }
}
