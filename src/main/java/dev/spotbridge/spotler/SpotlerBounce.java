package dev.spotbridge.spotler;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One ContactBounce of GET /contact/bounces/list.
 *
 * @param hard HARDBOUNCE (else SOFTBOUNCE)
 * @param mailingId encryptedActId: the encrypted id of the mailing that bounced
 */
public record SpotlerBounce(
        String externalId, String email, Instant date, boolean hard, String mailingId) {

    static SpotlerBounce from(JsonObject item) {
        JsonObject contact = item.getJsonObject("contact");
        SpotlerContact c =
                contact == null
                        ? new SpotlerContact("", Map.of(), Map.of(), false)
                        : SpotlerContact.from(contact);
        String email =
                c.properties().get("email") instanceof JsonString s
                        ? s.getString()
                        : "(unknown address)";
        String type = item.getString("type", "");
        return new SpotlerBounce(
                c.externalId(),
                email,
                date(item.get("date")),
                type.startsWith("HARD"),
                item.getString("encryptedActId", ""));
    }

    /**
     * Dates arrive as epoch numbers (ms, or s when small) or ISO-8601 strings; all are accepted.
     */
    static Instant date(JsonValue value) {
        if (value instanceof JsonNumber n) {
            long v = n.longValue();
            return v < 100_000_000_000L ? Instant.ofEpochSecond(v) : Instant.ofEpochMilli(v);
        }
        if (value instanceof JsonString s) {
            try {
                return OffsetDateTime.parse(s.getString()).toInstant();
            } catch (RuntimeException e) {
                return Instant.parse(s.getString());
            }
        }
        return Instant.EPOCH;
    }
}
