package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An sb_permission row: one Spotler permission of a contact, lead or account, subscribed or not. A
 * column the row's event did not carry is null here.
 *
 * @param owner the record the row belongs to (its sb_contactid, sb_leadid or sb_accountid)
 * @param bit sb_bit, the Spotler permission bit
 * @param name sb_name, the permission's name (matched to a bit when sb_bit is not set)
 * @param subscribed sb_subscribed (a cleared one is false)
 */
public record SbPermission(
        String id, Optional<Owner> owner, Long bit, String name, Boolean subscribed) {

    /** The sb_permission table. */
    public static final String TABLE = "sb_permission";

    static final String SET = "sb_permissions";

    private static final List<String> OWNERS = List.of("sb_contactid", "sb_leadid", "sb_accountid");

    /** The columns a read selects (lookups as _x_value, which the gateway reads back as x). */
    static final String SELECT =
            "sb_permissionid,sb_bit,sb_name,sb_subscribed,_sb_contactid_value,_sb_leadid_value,_sb_accountid_value";

    /** A record a row belongs to: its table and id. */
    public record Owner(String entity, String id) {}

    /** The row as columns give it (a webhook's, or a read's). */
    public static SbPermission of(String id, Map<String, JsonValue> columns) {
        return new SbPermission(
                id,
                owner(columns),
                columns.get("sb_bit") instanceof JsonNumber n ? Long.valueOf(n.longValue()) : null,
                columns.get("sb_name") instanceof JsonString s ? s.getString() : null,
                // a cleared sb_subscribed is not subscribed
                columns.containsKey("sb_subscribed")
                        ? Boolean.TRUE.equals(DataverseValues.bool(columns.get("sb_subscribed")))
                        : null);
    }

    /** A row read with {@link #SELECT}, its id among its columns. */
    static SbPermission read(Map<String, JsonValue> columns) {
        return of(
                columns.get("sb_permissionid") instanceof JsonString s ? s.getString() : null,
                columns);
    }

    /** The record of the first lookup that names one. */
    private static Optional<Owner> owner(Map<String, JsonValue> columns) {
        for (String lookup : OWNERS) {
            if (columns.get(lookup) instanceof JsonObject ref
                    && ref.get("id") instanceof JsonString id
                    && DataverseValues.guid(id.getString()) != null) {
                return Optional.of(
                        new Owner(
                                lookup.substring(3, lookup.length() - 2),
                                DataverseValues.guid(id.getString())));
            }
        }
        return Optional.empty();
    }

    /**
     * Creates a row Spotbridge keeps, with its own id and without asynchronous steps: its webhook
     * would only tell Spotbridge what it wrote (one webhook per permission of every new contact).
     */
    public static BatchOperation create(
            String rowId, String entity, String recordId, long bit, String name, boolean on) {
        return BatchOperation.create(
                        SET,
                        Json.createObjectBuilder()
                                .add("sb_permissionid", rowId)
                                .add("sb_name", name == null ? "bit " + bit : name)
                                .add("sb_bit", bit)
                                .add("sb_subscribed", on)
                                .add(
                                        "sb_" + entity + "id@odata.bind",
                                        "/"
                                                + DataverseGateway.entitySet(entity)
                                                + "("
                                                + recordId
                                                + ")")
                                .build())
                .quietly();
    }

    /** Sets a row's sb_subscribed (a permission changed in Spotler). */
    public static BatchOperation subscribed(String rowId, boolean on) {
        return BatchOperation.update(
                SET, rowId, Json.createObjectBuilder().add("sb_subscribed", on).build());
    }
}
