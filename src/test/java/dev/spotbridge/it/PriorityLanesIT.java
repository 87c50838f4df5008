package dev.spotbridge.it;

import static dev.spotbridge.it.AdminApi.awaitHistory;
import static dev.spotbridge.it.Webhooks.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
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
 * Backlogs (the sync queue paused while changes arrive): a delete (blanking) and an opt-out sent
 * last are processed among the first (priority lanes); a burst of updates to one record is written
 * to Spotler once (coalescing).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PriorityLanesIT {

    private static final String SYNC_QUEUE =
            "/subsystem=messaging-activemq/server=default/jms-queue=spotbridge-sync";

    /**
     * The backlog: large against what one batch holds (spotbridge.sync.batch-size, 100). A change's
     * history entry is stamped when it is decided, a delete's after its blanking reached Spotler;
     * while the delete's thread blanks, the other sync thread goes on deciding the profile changes
     * of its first batch (under load, dozens), so the delete is first in its batch but its stamp
     * can follow some of them. Without the lanes it follows all of them.
     */
    private static final int BACKLOG = 1000;

    @Deployment(order = 2, testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Deployment(name = "sandbox", order = 1, testable = false)
    static WebArchive sandbox() {
        return Deployments.sandbox();
    }

    private static Map<String, Object> person(String name, boolean optOut) {
        return Map.of(
                "firstname",
                name,
                "emailaddress1",
                name + "@example.com",
                "donotbulkemail",
                optOut);
    }

    private static Instant at(JsonObject record, String operation) {
        return AdminApi.events(record).stream()
                .filter(e -> operation.equals(e.getString("operation")))
                .map(e -> Instant.parse(e.getString("at")))
                .findFirst()
                .orElseThrow(() -> new AssertionError(operation + " not in " + record));
    }

    @Test
    void consentAndDeletesOvertakeABacklogOfProfileUpdates() throws Exception {
        String deleted = UUID.randomUUID().toString();
        String optingOut = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(30);
        assertEquals(
                202,
                webhook(Contexts.create("contact", deleted, person("gone", false), t0)).status());
        assertEquals(
                202,
                webhook(Contexts.create("contact", optingOut, person("quiet", false), t0))
                        .status());
        awaitHistory("contact", deleted, 1);
        awaitHistory("contact", optingOut, 1);

        List<String> backlog = new ArrayList<>();
        Http.cli(SYNC_QUEUE + ":pause");
        try {
            for (int i = 0; i < BACKLOG; i++) {
                String id = UUID.randomUUID().toString();
                backlog.add(id);
                assertEquals(
                        202,
                        webhook(Contexts.create("contact", id, person("p" + i, false), t0))
                                .status());
            }
            // sent last
            assertEquals(202, webhook(Contexts.delete("contact", deleted)).status());
            assertEquals(
                    202,
                    webhook(
                                    Contexts.update(
                                            "contact",
                                            optingOut,
                                            Map.of("donotbulkemail", true),
                                            person("quiet", true),
                                            t0.plusSeconds(10),
                                            UUID.randomUUID().toString()))
                            .status());
        } finally {
            Http.cli(SYNC_QUEUE + ":resume");
        }

        Instant deleteAt = at(awaitHistory("contact", deleted, 2), "Delete");
        Instant optOutAt = at(awaitHistory("contact", optingOut, 2), "Update");
        int beforeDelete = 0;
        int beforeOptOut = 0;
        for (String id : backlog) {
            Instant created = at(awaitHistory("contact", id, 1), "Create");
            beforeDelete += created.isBefore(deleteAt) ? 1 : 0;
            beforeOptOut += created.isBefore(optOutAt) ? 1 : 0;
        }
        System.out.printf(
                "priority lanes: of %d profile changes queued before them, %d were processed"
                        + " before the delete and %d before the opt-out%n",
                BACKLOG, beforeDelete, beforeOptOut);
        assertTrue(beforeDelete < BACKLOG / 10, beforeDelete + " profile changes went first");
        assertTrue(beforeOptOut < BACKLOG / 10, beforeOptOut + " profile changes went first");
        assertTrue(
                SpotlerSandbox.spotlerContact(deleted)
                        .orElseThrow()
                        .getJsonObject("properties")
                        .getOrDefault("firstName", JsonValue.NULL)
                        .toString()
                        .matches("null|\"\""),
                "blanked");
    }

    @Test
    void aBurstOfUpdatesToOneRecordIsWrittenOnce() throws Exception {
        String id = UUID.randomUUID().toString();
        Instant t0 = Instant.now().minusSeconds(60);
        assertEquals(
                202, webhook(Contexts.create("contact", id, person("burst", false), t0)).status());
        awaitHistory("contact", id, 1);
        long writes = SpotlerSandbox.spotlerWrites();
        Http.cli(SYNC_QUEUE + ":pause");
        try {
            for (int i = 0; i < 50; i++) {
                Map<String, Object> image = person("burst" + i, false);
                assertEquals(
                        202,
                        webhook(
                                        Contexts.update(
                                                "contact",
                                                id,
                                                Map.of("firstname", "burst" + i),
                                                image,
                                                t0.plusSeconds(1 + i),
                                                UUID.randomUUID().toString()))
                                .status());
            }
        } finally {
            Http.cli(SYNC_QUEUE + ":resume");
        }
        JsonObject record = awaitHistory("contact", id, 51);
        assertEquals(
                1, SpotlerSandbox.spotlerWrites() - writes, "one Spotler write for 50 updates");
        assertEquals("burst49", SpotlerSandbox.spotlerProperties(id).getString("firstName"));
        assertEquals("Succeeded", record.getString("status"));
        assertTrue(
                record.getJsonArray("history").toString().contains("superseded by a newer"),
                "the skipped ones say why");
    }
}
