package dev.spotbridge.spotler;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Map;

/**
 * One ContactBounce of GET /contact/bounces/list.
 *
 * @param hard HARDBOUNCE (else SOFTBOUNCE)
 * @param mailingId encryptedActId: the encrypted id of the mailing that bounced
 */
public record SpotlerBounce(
        String externalId, String email, Instant date, boolean hard, String mailingId) {

    /**
     * @param zone the account's time zone, for a date without offset
     */
    static SpotlerBounce from(JsonObject item, ZoneId zone) {
        JsonObject contact = item.getJsonObject("contact");
        SpotlerContact c =
                contact == null
                        ? new SpotlerContact("", Map.of(), Map.of(), false)
                        : SpotlerContact.from(contact, zone);
        String email =
                c.properties().get("email") instanceof JsonString s
                        ? s.getString()
                        : "(unknown address)";
        String type = item.getString("type", "");
        return new SpotlerBounce(
                c.externalId(),
                email,
                SpotlerDates.read(item.get("date"), zone),
                type.startsWith("HARD"),
                item.getString("encryptedActId", ""));
    }
}
