package dev.spotbridge.spotler;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What Spotler holds of one contact, in plain types.
 *
 * @param properties scalar properties that have data (set-type properties left out)
 * @param permissions permission bit → enabled
 * @param emailActive whether the EMAIL channel is on
 * @param lastChanged when Spotler last changed the contact (Contact.lastChanged); null when not
 *     given or unreadable
 */
public record SpotlerContact(
        String externalId,
        Map<String, JsonValue> properties,
        Map<Long, Boolean> permissions,
        boolean emailActive,
        Instant lastChanged) {

    public SpotlerContact(
            String externalId,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean emailActive) {
        this(externalId, properties, permissions, emailActive, null);
    }

    /**
     * Contact.lastChanged in whatever form it comes (epoch number, ISO, local in the account's
     * zone); null when not given.
     *
     * @throws IllegalArgumentException when it is given but unreadable (the contact's item fails)
     */
    static Instant lastChanged(JsonValue value, ZoneId zone) {
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        return SpotlerDates.read(value, zone);
    }

    /**
     * Opted out in Spotler: the contact has an email address but its EMAIL channel is off. The 2022
     * API has no status field; the channel is what a REST client can see of "Inactive: Opt-out" (a
     * contact without an address has no active EMAIL channel either, and is not counted).
     */
    public boolean optedOut() {
        return !emailActive
                && properties.get("email") instanceof JsonString email
                && !email.getString().isBlank();
    }

    /** The Contact of GET /contact/{id}. */
    static SpotlerContact from(ContactsClient.ContactView contact, ZoneId zone) {
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        Map<Long, Boolean> permissions = new LinkedHashMap<>();
        if (contact.properties() != null) {
            read(contact.properties(), properties, permissions);
        }
        boolean email =
                contact.channels() != null
                        && contact.channels().stream()
                                .anyMatch(
                                        c ->
                                                "EMAIL".equals(c.name())
                                                        && Boolean.TRUE.equals(c.value()));
        return new SpotlerContact(
                contact.externalId() == null ? "" : contact.externalId(),
                properties,
                permissions,
                email,
                lastChanged(contact.lastChanged(), zone));
    }

    /** A Contact object of a feed (the updates list, a bounce). */
    static SpotlerContact from(JsonObject contact, ZoneId zone) {
        Map<String, JsonValue> properties = new LinkedHashMap<>();
        Map<Long, Boolean> permissions = new LinkedHashMap<>();
        JsonObject props = contact.getJsonObject("properties");
        if (props != null) {
            read(props, properties, permissions);
        }
        boolean email = false;
        JsonArray channels = contact.getJsonArray("channels");
        if (channels != null) {
            email =
                    channels.stream()
                            .map(JsonValue::asJsonObject)
                            .anyMatch(
                                    c ->
                                            "EMAIL".equals(c.getString("name", ""))
                                                    && c.getBoolean("value", false));
        }
        return new SpotlerContact(
                contact.getString("externalId", ""),
                properties,
                permissions,
                email,
                lastChanged(contact.get("lastChanged"), zone));
    }

    /** Scalar properties that have data, and the permission bits of the set "permissions". */
    private static void read(
            JsonObject props, Map<String, JsonValue> properties, Map<Long, Boolean> permissions) {
        props.forEach(
                (name, value) -> {
                    if ("permissions".equals(name)
                            && value.getValueType() == JsonValue.ValueType.ARRAY) {
                        value.asJsonArray()
                                .forEach(
                                        p ->
                                                permissions.put(
                                                        p.asJsonObject()
                                                                .getJsonNumber("bit")
                                                                .longValue(),
                                                        p.asJsonObject()
                                                                .getBoolean("enabled", false)));
                    } else if (value.getValueType() != JsonValue.ValueType.ARRAY) {
                        properties.put(name, value);
                    }
                });
    }
}
