package dev.spotbridge.admin;

import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import java.time.DateTimeException;
import java.time.Instant;

/** The ISO-8601 instants of an admin request's JSON body ("from", "to"). */
final class RequestTimes {

    private RequestTimes() {}

    /**
     * @param absent the value when the field is missing or null; null makes the field required
     * @throws BadRequestException when the field is not an ISO-8601 instant (or required and
     *     absent)
     */
    static Instant instant(JsonObject request, String name, Instant absent) {
        if (absent != null && (!request.containsKey(name) || request.isNull(name))) {
            return absent;
        }
        try {
            return Instant.parse(request.getString(name));
        } catch (NullPointerException | ClassCastException | DateTimeException e) {
            throw new BadRequestException(
                    "\"" + name + "\" must be an ISO-8601 instant such as 2026-11-27T10:00:00Z");
        }
    }
}
