package dev.spotbridge.dataverse;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A marketing list (list) as Dataverse holds it.
 *
 * @param dynamic a dynamic list (its members are a FetchXML query), else static
 * @param memberType createdfromcode: 1 account, 2 contact, 4 lead
 * @param query the FetchXML of a dynamic list ("" when none)
 */
public record MarketingList(
        String id, String name, boolean active, boolean dynamic, int memberType, String query) {

    static final String TABLE = "list";

    static final List<String> SELECT =
            List.of("listname", "type", "createdfromcode", "query", "statecode");

    private static final Map<Integer, String> MEMBER_TABLES =
            Map.of(1, "account", 2, "contact", 4, "lead");

    static MarketingList of(String id, Map<String, JsonValue> columns) {
        return new MarketingList(
                id,
                columns.get("listname") instanceof JsonString s ? s.getString() : id,
                !(columns.get("statecode") instanceof JsonNumber state && state.intValue() != 0),
                columns.get("type") != null
                        && columns.get("type").getValueType() == JsonValue.ValueType.TRUE,
                columns.get("createdfromcode") instanceof JsonNumber n ? n.intValue() : 2,
                columns.get("query") instanceof JsonString q ? q.getString() : "");
    }

    /** The table of its members (contact, lead or account); empty for an unknown type. */
    public Optional<String> memberTable() {
        return Optional.ofNullable(MEMBER_TABLES.get(memberType));
    }
}
