package dev.spotbridge.spotler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * The contact properties the Spotler account has, with its permission bits (GET
 * /contact/properties/list, cached for spotler.properties-cache-seconds). The mapping may name
 * properties an account does not have yet (the default maps street 2 and 3, state and website to
 * properties a Spotler admin creates): those are left out of writes — rather than every write
 * failing with INVALID_PROPERTY — and are not remembered as written, so the first sync after the
 * property exists writes them. The setup check names every mapped property the account lacks; each
 * is logged once per node as well.
 */
@ApplicationScoped
public class SpotlerProperties {

    private static final Logger LOG = Logger.getLogger(SpotlerProperties.class.getName());

    @Inject SpotlerGateway spotler;

    @Inject
    @ConfigProperty(name = "spotler.properties-cache-seconds", defaultValue = "600")
    long cacheSeconds;

    private volatile SpotlerGateway.AccountProperties account;
    private volatile Instant loaded = Instant.EPOCH;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * The account's properties (names, permission bits), one read for both; one caller loads them
     * while the others wait, so a cold cache under load costs one Spotler request, not one per
     * consumer thread.
     */
    public SpotlerGateway.AccountProperties account() {
        SpotlerGateway.AccountProperties known = account;
        if (known != null && !stale()) {
            return known;
        }
        synchronized (this) {
            if (account == null && failedAt.isAfter(Instant.now().minusSeconds(30))) {
                // another caller just failed to read it: not again so soon
                throw new SpotlerUnavailableException(
                        "GET contact/properties/list failed at "
                                + failedAt
                                + "; not tried again yet");
            }
            if (account == null || stale()) {
                try {
                    account = spotler.accountProperties();
                } catch (RuntimeException e) {
                    failedAt = Instant.now();
                    throw e;
                }
                loaded = Instant.now();
            }
            return account;
        }
    }

    /** When the last load failed: writes do not wait on another attempt for a while. */
    private volatile Instant failedAt = Instant.EPOCH;

    /** The account's property names. */
    public Set<String> names() {
        return account().names();
    }

    private boolean stale() {
        return Instant.now().isAfter(loaded.plus(Duration.ofSeconds(cacheSeconds)));
    }

    /**
     * The mapped values without those of properties the account does not have. When the list cannot
     * be read for an outage, the last one read serves, or with none yet every value goes (the write
     * meets the same outage and is retried like any).
     */
    public Map<String, JsonValue> writable(Map<String, JsonValue> mapped) {
        Set<String> read;
        if (account == null && failedAt.isAfter(Instant.now().minusSeconds(30))) {
            // the list could not be read a moment ago: no write waits on it again so soon
            return mapped;
        }
        try {
            read = names();
        } catch (SpotlerUnavailableException // and SpotlerThrottledException, a kind of it
                | CircuitBreakerOpenException
                | TimeoutException e) {
            SpotlerGateway.AccountProperties last = account;
            if (last == null) {
                return mapped;
            }
            read = last.names();
        }
        Set<String> known = read;
        if (known.containsAll(mapped.keySet())) {
            return mapped;
        }
        Map<String, JsonValue> kept = new LinkedHashMap<>(mapped);
        kept.keySet()
                .removeIf(
                        property -> {
                            if (known.contains(property)) {
                                return false;
                            }
                            if (warned.add(property)) {
                                LOG.warning(
                                        () ->
                                                "the Spotler account has no contact property "
                                                        + property
                                                        + ": the mapping's values for it are not"
                                                        + " written until it is created in Spotler"
                                                        + " (see the setup check)");
                            }
                            return true;
                        });
        return kept;
    }
}
