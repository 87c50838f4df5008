package dev.spotbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequiredSettingsTest {

    private static Map<String, String> complete() {
        Map<String, String> settings = new HashMap<>();
        settings.put("spotler.api.url", "https://restapi.mailplus.nl/integrationservice");
        settings.put("spotler.consumer.key", "key");
        settings.put("spotler.consumer.secret", "secret");
        settings.put("dataverse.api.url", "https://contoso.crm4.dynamics.com/api/data/v9.2");
        settings.put(
                "dataverse.token.url",
                "https://login.microsoftonline.com/tenant/oauth2/v2.0/token");
        settings.put("dataverse.client.id", "client");
        settings.put("dataverse.client.secret", "secret");
        settings.put("dataverse.scope", "https://contoso.crm4.dynamics.com/.default");
        return settings;
    }

    private static List<String> problems(Map<String, String> settings) {
        return RequiredSettings.problems(key -> Optional.ofNullable(settings.get(key)));
    }

    @Test
    void completeSettingsAreFine() {
        assertEquals(List.of(), problems(complete()));
    }

    @Test
    void everyMissingSettingIsNamedWithItsEnvironmentVariable() {
        Map<String, String> settings = complete();
        settings.remove("spotler.api.url");
        settings.put("dataverse.client.secret", "  ");
        assertEquals(
                List.of(
                        "SPOTLER_API_URL (spotler.api.url) is not set",
                        "DATAVERSE_CLIENT_SECRET (dataverse.client.secret) is not set"),
                problems(settings));
    }

    @Test
    void nothingSetNamesAllEight() {
        assertEquals(8, problems(Map.of()).size());
    }

    @Test
    void aUrlMustBeAnAbsoluteHttpUrl() {
        Map<String, String> settings = complete();
        settings.put("dataverse.api.url", "contoso.crm4.dynamics.com/api/data/v9.2");
        settings.put("spotler.api.url", "ftp://restapi.mailplus.nl/");
        List<String> problems = problems(settings);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(
                problems.get(0)
                        .startsWith("SPOTLER_API_URL (spotler.api.url) is not an http(s) URL"));
        assertTrue(
                problems.get(1)
                        .startsWith("DATAVERSE_API_URL (dataverse.api.url) is not an http(s) URL"));
    }

    @Test
    void theProductionProfileRefusesEmptyAndWellKnownPasswordsNamingTheSetting() {
        Map<String, String> secrets = new HashMap<>();
        secrets.put("spotbridge.broker.password", "spotbridge");
        List<String> problems =
                RequiredSettings.weakSecrets(key -> Optional.ofNullable(secrets.get(key)));
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("SPOTBRIDGE_DB_PASSWORD"), problems.toString());
        assertTrue(problems.get(0).contains("is not set"), problems.toString());
        assertTrue(problems.get(1).startsWith("SPOTBRIDGE_BROKER_PASSWORD"), problems.toString());
        assertTrue(problems.get(1).contains("well-known default"), problems.toString());
        secrets.put("spotbridge.db.password", "Unset");
        secrets.put("spotbridge.broker.password", "k7#pQ2-long-and-own");
        assertEquals(
                1,
                RequiredSettings.weakSecrets(key -> Optional.ofNullable(secrets.get(key))).size());
        secrets.put("spotbridge.db.password", "another-own-one");
        assertTrue(
                RequiredSettings.weakSecrets(key -> Optional.ofNullable(secrets.get(key)))
                        .isEmpty());
    }
}
