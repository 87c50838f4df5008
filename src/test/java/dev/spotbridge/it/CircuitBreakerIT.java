package dev.spotbridge.it;

import static dev.spotbridge.it.Service.await;
import static dev.spotbridge.it.Service.spotlerContact;
import static dev.spotbridge.it.Service.webhook;
import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import java.time.Duration;
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
 * A sustained Spotler outage opens the circuit breaker (calls stop reaching Spotler), nothing is
 * lost, and the backlog drains once Spotler answers again. Own deployment: the breaker's state is
 * per deployment.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class CircuitBreakerIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.application();
    }

    @Test
    void sustainedOutageOpensTheCircuitAndTheBacklogDrainsAfterwards() {
        Service.spotlerFault("{\"status\":503,\"count\":1000,\"path\":\"contact\"}");
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                String id = UUID.randomUUID().toString();
                ids.add(id);
                assertEquals(
                        202,
                        webhook(
                                        Contexts.create(
                                                "contact",
                                                id,
                                                Map.of(
                                                        "firstname",
                                                        "Outage" + i,
                                                        "emailaddress1",
                                                        "outage" + i + "@example.com"),
                                                Instant.now()))
                                .status());
            }
            await(
                    () ->
                            ids.stream()
                                    .map(
                                            id ->
                                                    Service.record("contact", id)
                                                            .map(JsonObject::toString)
                                                            .orElse(""))
                                    .anyMatch(h -> h.contains("CircuitBreakerOpenException")),
                    open -> open,
                    "a failed attempt that met the open circuit");
        } finally {
            Service.clearSpotlerFault();
        }
        for (String id : ids) {
            await(
                    () -> Service.record("contact", id).map(r -> r.getString("status")).orElse(""),
                    "Succeeded"::equals,
                    "contact " + id + " delivered after the outage",
                    Duration.ofSeconds(90));
            assertEquals(true, spotlerContact(id).isPresent());
        }
    }
}
