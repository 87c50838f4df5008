package dev.spotbridge.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.spotbridge.json.Json;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class ErasureTest {

    @Test
    void theRecordsValuesLeaveATextIgnoringCaseLongestFirst() {
        Set<String> values = new LinkedHashSet<>();
        Erasure.collect(
                Json.createObjectBuilder()
                        .add("firstname", "Anna")
                        .add("emailaddress1", "anna.jansen@example.com")
                        .add("telephone1", "0612345678")
                        .add("statecode", 0)
                        .add("modifiedon", "2026-11-30T10:00:00Z")
                        .add("contactid", "5f0c1c1e-0a6e-4d4f-9a41-2b7f5f0b8c11")
                        .add("country", "NL")
                        .build(),
                values);
        UnaryOperator<String> scrub = Erasure.scrubber(values);
        assertEquals(
                "Hard bounce of [erased] reported for [erased] ([erased]) on 2026-11-30T10:00:00Z,"
                        + " record 5f0c1c1e-0a6e-4d4f-9a41-2b7f5f0b8c11 in NL",
                scrub.apply(
                        "Hard bounce of ANNA.jansen@example.com reported for anna (0612345678)"
                                + " on 2026-11-30T10:00:00Z, record"
                                + " 5f0c1c1e-0a6e-4d4f-9a41-2b7f5f0b8c11 in NL"));
        assertNull(scrub.apply(null));
    }

    @Test
    void changesKeepWhichPropertiesChangedNotTheirValues() {
        assertEquals(
                "{\"firstName\":{\"erased\":true},\"email\":{\"erased\":true}}",
                Erasure.namesOnly(
                        "{\"firstName\":{\"before\":null,\"after\":\"Anna\"},"
                                + "\"email\":{\"before\":\"a@x.nl\",\"after\":\"b@x.nl\"}}"));
        assertNull(Erasure.namesOnly(null));
    }
}
