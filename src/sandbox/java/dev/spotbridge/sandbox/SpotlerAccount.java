package dev.spotbridge.sandbox;

import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contact fields of the sandbox's Spotler account, as GET /contact/properties/list describes
 * them. Permission bits are deliberately not 1, 2, 3: clients must read them, not assume them.
 */
final class SpotlerAccount {

    static final Map<String, String> TYPES = new LinkedHashMap<>();
    static final Map<Long, String> PERMISSIONS = new LinkedHashMap<>();

    static {
        TYPES.put("email", "email");
        TYPES.put("firstName", "string");
        TYPES.put("infix", "string");
        TYPES.put("lastName", "string");
        TYPES.put("initials", "string");
        TYPES.put("gender", "gender");
        TYPES.put("birthday", "birthdate");
        TYPES.put("organisation", "string");
        TYPES.put("street", "string");
        TYPES.put("houseNumber", "string");
        TYPES.put("postalCode", "postcode");
        TYPES.put("city", "string");
        TYPES.put("country", "string");
        TYPES.put("phoneNumber", "string");
        TYPES.put("mobileNumber", "mobNr");
        TYPES.put("customerType", "string");
        // custom fields of the emulated account, created in Spotler as docs/configuration.md
        // says for the default mapping's street 2 and 3, state and website
        TYPES.put("addressLine2", "string");
        TYPES.put("addressLine3", "string");
        TYPES.put("stateOrProvince", "string");
        TYPES.put("website", "string");
        TYPES.put("permissions", "set");
        TYPES.put("profileFields", "set");
        PERMISSIONS.put(1L, "Newsletter");
        PERMISSIONS.put(2L, "Offers");
        PERMISSIONS.put(4L, "Events");
    }

    private SpotlerAccount() {}

    static JsonArray properties() {
        JsonArrayBuilder list = Json.createArrayBuilder();
        TYPES.forEach(
                (name, type) -> {
                    var property =
                            Json.createObjectBuilder()
                                    .add("name", name)
                                    .add("description", name)
                                    .add("type", type);
                    if ("permissions".equals(name)) {
                        JsonArrayBuilder entries = Json.createArrayBuilder();
                        int rank = 1;
                        for (Map.Entry<Long, String> e : PERMISSIONS.entrySet()) {
                            entries.add(
                                    Json.createObjectBuilder()
                                            .add("bit", e.getKey())
                                            .add("description", e.getValue())
                                            .add("rank", rank++));
                        }
                        property.add("entries", entries);
                    } else if ("profileFields".equals(name)) {
                        property.add(
                                "entries",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("bit", 1)
                                                        .add("description", "B2B")
                                                        .add("rank", 1)));
                    }
                    list.add(property);
                });
        return list.build();
    }

    static JsonObject error(String type, String message) {
        return Json.createObjectBuilder().add("errorType", type).add("message", message).build();
    }
}
