package dev.spotbridge.spotler;

import jakarta.json.JsonValue;
import java.util.Map;

/**
 * What Spotler holds of one contact, in plain types.
 *
 * @param properties scalar properties that have data (set-type properties left out)
 * @param permissions permission bit → enabled
 * @param emailActive whether the EMAIL channel is on
 */
public record SpotlerContact(
        String externalId,
        Map<String, JsonValue> properties,
        Map<Long, Boolean> permissions,
        boolean emailActive) {}
