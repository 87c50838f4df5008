package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A circuit that stays open is a person's business: checked every minute, a gateway whose circuit
 * has been open longer than spotbridge.alert.circuit-open-minutes (5) is logged once as an error (a
 * short outage is only the warnings of its retries), and its closing again once as info.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class CircuitAlarm {

    private static final Logger LOG = Logger.getLogger(CircuitAlarm.class.getName());

    @Inject SyncMetrics metrics;

    @Inject
    @ConfigProperty(name = "spotbridge.alert.circuit-open-minutes", defaultValue = "5")
    long openMinutes;

    /** Gateway → since when its circuit is open (first seen open). */
    private final Map<String, Instant> openSince = new HashMap<>();

    /** Gateways already reported as open for too long. */
    private final Map<String, Boolean> reported = new HashMap<>();

    @Schedule(hour = "*", minute = "*", second = "31", persistent = false)
    public void check() {
        check("Spotler", metrics.circuitStates(SpotlerGateway.class), Instant.now());
        check("Dataverse", metrics.circuitStates(DataverseGateway.class), Instant.now());
    }

    void check(String gateway, Map<String, String> states, Instant now) {
        boolean open = states.containsValue("open");
        if (!open) {
            if (Boolean.TRUE.equals(reported.remove(gateway))) {
                LOG.info(() -> "the " + gateway + " circuit is closed again: changes flow");
            }
            openSince.remove(gateway);
            return;
        }
        Instant since = openSince.computeIfAbsent(gateway, g -> now);
        if (Duration.between(since, now).toMinutes() >= openMinutes
                && reported.put(gateway, true) == null) {
            LOG.severe(
                    () ->
                            "the "
                                    + gateway
                                    + " circuit has been open since "
                                    + since
                                    + " ("
                                    + states
                                    + "): changes wait on the queue and nothing reaches "
                                    + gateway
                                    + "; check its status and Spotbridge's credentials (runbook: The"
                                    + " circuit is open)");
        }
    }
}
