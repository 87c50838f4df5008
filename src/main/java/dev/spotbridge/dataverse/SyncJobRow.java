package dev.spotbridge.dataverse;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An sb_syncjob row: what a D365 user asked Spotbridge to do (the "Sync to Spotler" button, a
 * campaign job), with the option values of the Spotbridge solution.
 *
 * @param operation what to do; empty for an option value Spotbridge does not know
 * @param operationValue the sb_operation option value as it came (for the reason of a failure)
 * @param campaignCode sb_campaigncode, trimmed ("" when not given)
 * @param listId the marketing list (sb_listid), if any
 * @param customer the contact, lead or account (sb_contactid, sb_leadid, sb_accountid), if any
 */
public record SyncJobRow(
        Optional<Operation> operation,
        Integer operationValue,
        String campaignCode,
        Optional<String> listId,
        Optional<Customer> customer) {

    /** The sb_syncjob table. */
    public static final String TABLE = "sb_syncjob";

    private static final List<String> CUSTOMERS =
            List.of("sb_contactid", "sb_leadid", "sb_accountid");

    /** The columns a read selects (lookups as _x_value, which the gateway reads back as x). */
    static final List<String> SELECT =
            List.of(
                    "sb_operation",
                    "sb_campaigncode",
                    "_sb_listid_value",
                    "_sb_contactid_value",
                    "_sb_leadid_value",
                    "_sb_accountid_value");

    /** sb_operation. */
    public enum Operation {
        SYNC_LIST(100000000),
        SYNC_CONTACTS(100000001),
        START_CAMPAIGN(100000002),
        STOP_CAMPAIGN(100000003);

        private final int value;

        Operation(int value) {
            this.value = value;
        }

        /** The option value in the sb_joboperation choice. */
        public int value() {
            return value;
        }

        static Optional<Operation> of(Integer value) {
            for (Operation o : values()) {
                if (value != null && o.value == value) {
                    return Optional.of(o);
                }
            }
            return Optional.empty();
        }
    }

    /** sb_status. */
    public enum Status {
        RUNNING(100000001),
        SUCCEEDED(100000002),
        PARTLY_SUCCEEDED(100000003),
        FAILED(100000004);

        final int value;

        Status(int value) {
            this.value = value;
        }

        /** The option value in the sb_jobstatus choice. */
        public int value() {
            return value;
        }
    }

    /** The record a job is about: its table and id. */
    public record Customer(String entity, String id) {}

    /** The job as its columns give it (a webhook's, merged with a read where it had too few). */
    public static SyncJobRow of(Map<String, JsonValue> columns) {
        Integer operation =
                columns.get("sb_operation") instanceof JsonNumber n ? n.intValue() : null;
        Optional<Customer> customer = Optional.empty();
        for (String lookup : CUSTOMERS) {
            Optional<String> id = reference(columns, lookup);
            if (id.isPresent()) {
                customer =
                        Optional.of(
                                new Customer(lookup.substring(3, lookup.length() - 2), id.get()));
                break;
            }
        }
        return new SyncJobRow(
                Operation.of(operation),
                operation,
                columns.get("sb_campaigncode") instanceof JsonString s ? s.getString().trim() : "",
                reference(columns, "sb_listid"),
                customer);
    }

    private static Optional<String> reference(Map<String, JsonValue> columns, String lookup) {
        if (columns.get(lookup) instanceof JsonObject ref
                && ref.get("id") instanceof JsonString id) {
            return Optional.ofNullable(DataverseValues.guid(id.getString()));
        }
        return Optional.empty();
    }
}
