package dev.spotbridge.spotler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The account's permission bits (GET /contact/properties/list), cached; never hard-coded. */
@ApplicationScoped
public class PermissionBits {

    @Inject SpotlerGateway spotler;

    @Inject
    @ConfigProperty(name = "spotler.properties-cache-seconds", defaultValue = "600")
    long cacheSeconds;

    private volatile List<Long> bits;
    private volatile Instant loaded = Instant.EPOCH;

    public List<Long> all() {
        if (bits == null || Instant.now().isAfter(loaded.plus(Duration.ofSeconds(cacheSeconds)))) {
            bits = spotler.permissionBits();
            loaded = Instant.now();
        }
        return bits;
    }
}
