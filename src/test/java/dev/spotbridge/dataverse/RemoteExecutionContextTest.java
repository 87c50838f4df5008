package dev.spotbridge.dataverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.io.StringReader;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteExecutionContextTest {

    static JsonObject sample(String name) {
        InputStream in =
                RemoteExecutionContextTest.class.getResourceAsStream("/dataverse-samples/" + name);
        assertNotNull(in, name);
        try (JsonReader reader = Json.createReader(in)) {
            return reader.readObject();
        }
    }

    static RemoteExecutionContext parse(String name) {
        return RemoteExecutionContext.parse(sample(name), false);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "01-contact-create-async-postop.json",
                "02-contact-update-pre-post-images.json",
                "03-contact-delete.json",
                "05-contact-update-statecode-deactivate.json",
                "06-lead-create-sync-postop.json",
                "08-list-update-dynamic.json",
                "09-list-addmember.json",
                "10-contact-setstatedynamicentity.json",
                "11-account-create-compact.json",
                "12-contact-update-stripped.json"
            })
    void everySampleParses(String name) {
        RemoteExecutionContext context = parse(name);
        assertNotNull(context.messageName());
        assertNotNull(context.primaryEntityName());
        assertTrue(context.primaryEntityId().matches("[0-9a-f-]{36}"));
        assertTrue(context.operationId().matches("[0-9a-f-]{36}"));
    }

    @Test
    void createCarriesTypedValuesNormalised() {
        RemoteExecutionContext context = parse("01-contact-create-async-postop.json");
        assertEquals("Create", context.messageName());
        assertEquals("contact", context.primaryEntityName());
        assertEquals("5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21", context.primaryEntityId());
        assertEquals(40, context.stage());
        Map<String, JsonValue> target = context.targetAttributes();
        assertEquals("Anna", ((JsonString) target.get("firstname")).getString());
        assertEquals(
                2,
                ((JsonNumber) target.get("gendercode")).intValue(),
                "OptionSetValue → its number");
        assertEquals(
                "1988-04-23T00:00:00Z",
                ((JsonString) target.get("birthdate")).getString(),
                "/Date(ms)/ → ISO instant");
        JsonObject owner = target.get("ownerid").asJsonObject();
        assertEquals("systemuser", owner.getString("logicalName"));
        assertEquals("be5d0e77-3c6e-ef11-a670-6045bd1d2f10", owner.getString("id"));
        assertEquals(JsonValue.NULL, target.get("address1_line3"), "explicit null kept as null");
        assertEquals("2c9f6e1a-8a95-f011-b4cc-000d3a4f8c21", context.stepId());
        assertFalse(context.inputsStripped());
    }

    @Test
    void updateHasImagesByAlias() {
        RemoteExecutionContext context = parse("02-contact-update-pre-post-images.json");
        assertTrue(context.preImages().containsKey("PreImage"));
        assertTrue(
                context.postImages().containsKey(RemoteExecutionContext.ASYNC_PRIMARY_NAME_IMAGE));
        Map<String, JsonValue> post = context.registeredPostImage().orElseThrow();
        assertEquals("Nowak", ((JsonString) post.get("lastname")).getString());
        assertEquals(
                Instant.ofEpochMilli(1742306531000L),
                context.operationCreatedOn(),
                "offset form /Date(ms+0000)/");
    }

    @Test
    void deleteTargetIsAReference() {
        RemoteExecutionContext context = parse("03-contact-delete.json");
        assertTrue(context.targetAttributes().isEmpty());
        assertEquals(
                "contact",
                context.inputParameters().get("Target").asJsonObject().getString("logicalName"));
    }

    @Test
    void setStateDynamicEntityHasMonikerAndState() {
        RemoteExecutionContext context = parse("10-contact-setstatedynamicentity.json");
        assertEquals("SetStateDynamicEntity", context.messageName());
        assertEquals(1, context.intParameter("State").orElseThrow());
        assertEquals(2, context.intParameter("Status").orElseThrow());
    }

    @Test
    void strippedPayloadIsMarked() {
        RemoteExecutionContext context = parse("12-contact-update-stripped.json");
        assertTrue(context.inputsStripped());
        assertTrue(context.targetAttributes().isEmpty());
    }

    @Test
    void compactWireFormWithEscapedSlashes() {
        RemoteExecutionContext context = parse("11-account-create-compact.json");
        assertEquals("account", context.primaryEntityName());
        assertEquals(
                "Berg Logistik GmbH",
                ((JsonString) context.targetAttributes().get("name")).getString());
        assertEquals(Instant.parse("2025-03-22T07:45:30Z"), context.operationCreatedOn());
    }

    @Test
    void listMessageParsesWithGuidParameters() {
        RemoteExecutionContext context = parse("09-list-addmember.json");
        assertEquals("AddMember", context.messageName());
        assertEquals("list", context.primaryEntityName());
    }

    @Test
    void missingRequiredFieldIsRefusedWithItsName() {
        JsonObject json =
                Json.createObjectBuilder(sample("01-contact-create-async-postop.json"))
                        .remove("MessageName")
                        .build();
        MalformedContextException e =
                assertThrows(
                        MalformedContextException.class,
                        () -> RemoteExecutionContext.parse(json, false));
        assertTrue(e.getMessage().contains("MessageName"));
    }

    @Test
    void wrongTypesAreRefused() {
        JsonObject notGuid =
                Json.createObjectBuilder(sample("01-contact-create-async-postop.json"))
                        .add("PrimaryEntityId", "abc")
                        .build();
        assertThrows(
                MalformedContextException.class,
                () -> RemoteExecutionContext.parse(notGuid, false));
        JsonObject inputsNotArray =
                Json.createObjectBuilder(sample("01-contact-create-async-postop.json"))
                        .add("InputParameters", "x")
                        .build();
        assertThrows(
                MalformedContextException.class,
                () -> RemoteExecutionContext.parse(inputsNotArray, false));
        try (JsonReader r =
                Json.createReader(
                        new StringReader(
                                "{\"InputParameters\":[{\"value\":1}],\"MessageName\":\"Create\","
                                        + "\"PrimaryEntityName\":\"contact\",\"PrimaryEntityId\":\"5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21\","
                                        + "\"OperationId\":\"5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21\"}"))) {
            JsonObject noKey = r.readObject();
            assertThrows(
                    MalformedContextException.class,
                    () -> RemoteExecutionContext.parse(noKey, false));
        }
    }

    @Test
    void wrappedGuidAndDateValuesAreUnwrapped() {
        JsonValue date =
                DataverseValues.normalize(
                        Json.createObjectBuilder()
                                .add("__type", "DateTime:#System")
                                .add("__value", "/Date(1608007658000+0000)/")
                                .build());
        assertEquals("2020-12-15T04:47:38Z", ((JsonString) date).getString());
        assertEquals(
                "5f1e2d3c-7a93-f011-b4cc-000d3a4f8c21",
                DataverseValues.guid("{5F1E2D3C-7A93-F011-B4CC-000D3A4F8C21}"));
    }
}
