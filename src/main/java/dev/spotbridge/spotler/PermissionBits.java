package dev.spotbridge.spotler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The account's permission bits and their names (GET /contact/properties/list), cached; never
 * hard-coded.
 */
@ApplicationScoped
public class PermissionBits {

    @Inject SpotlerGateway spotler;

    @Inject
    @ConfigProperty(name = "spotler.properties-cache-seconds", defaultValue = "600")
    long cacheSeconds;

    private volatile Map<Long, String> bits;
    private volatile Instant loaded = Instant.EPOCH;

    public List<Long> all() {
        return List.copyOf(named().keySet());
    }

    /**
     * bit → description, in the account's order. One caller loads it while the others wait, so a
     * cold cache under load costs one Spotler request, not one per consumer thread.
     */
    public Map<Long, String> named() {
        Map<Long, String> known = bits;
        if (known != null && !stale()) {
            return known;
        }
        synchronized (this) {
            if (bits == null || stale()) {
                bits = Map.copyOf(spotler.permissionBits());
                loaded = Instant.now();
            }
            return bits;
        }
    }

    private boolean stale() {
        return Instant.now().isAfter(loaded.plus(Duration.ofSeconds(cacheSeconds)));
    }

    /** The bit whose description is this name (case-insensitive). */
    public Optional<Long> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        return named().entrySet().stream()
                .filter(
                        e ->
                                e.getValue()
                                        .toLowerCase(Locale.ROOT)
                                        .equals(name.trim().toLowerCase(Locale.ROOT)))
                .map(Map.Entry::getKey)
                .findFirst();
    }

    /** "1 (Newsletter)". */
    public String describe(long bit) {
        String name = named().get(bit);
        return name == null || name.isEmpty() ? String.valueOf(bit) : bit + " (" + name + ")";
    }

    /** "Newsletter (1) on, Offers (2) off": bits as the history shows them. */
    public String describe(Map<Long, Boolean> bits) {
        List<String> parts = new ArrayList<>();
        bits.forEach((bit, on) -> parts.add(describe(bit) + (on ? " on" : " off")));
        return String.join(", ", parts);
    }
}
