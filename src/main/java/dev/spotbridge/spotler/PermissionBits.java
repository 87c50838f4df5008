package dev.spotbridge.spotler;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The account's permission bits and their names (GET /contact/properties/list), cached; never
 * hard-coded.
 */
@ApplicationScoped
public class PermissionBits {

    @Inject SpotlerProperties properties;

    public List<Long> all() {
        return List.copyOf(named().keySet());
    }

    /** bit → description, in the account's order (cached with the account's properties). */
    public Map<Long, String> named() {
        return properties.account().permissionBits();
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
