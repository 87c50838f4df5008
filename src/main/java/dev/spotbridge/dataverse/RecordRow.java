package dev.spotbridge.dataverse;

import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A row of a contact, lead or account, as a webhook carries it or the Web API answers it: the
 * columns the mapping reads, by their logical names, and what Spotbridge decides on — the state,
 * the version, the bulk-email choice and the Spotbridge switch. Those four are named here only, so
 * no other package spells a Dataverse column.
 *
 * @param columns the row's columns (lookups as {id, logicalName}); a column not given is absent, a
 *     cleared one JSON null
 */
public record RecordRow(Map<String, JsonValue> columns) {

    private static final String STATE = "statecode";
    private static final String MODIFIED_ON = "modifiedon";
    private static final String DO_NOT_BULK_EMAIL = "donotbulkemail";
    private static final String SYNC_ENABLED = "sb_syncenabled";

    /** The columns a read selects besides the mapped ones. */
    private static final List<String> DECISIVE =
            List.of(STATE, MODIFIED_ON, DO_NOT_BULK_EMAIL, SYNC_ENABLED);

    public RecordRow {
        Objects.requireNonNull(columns, "columns");
    }

    /** The $filter of the active rows of a table. */
    static final String ACTIVE_FILTER = STATE + " eq 0";

    /** The columns to $select for a row: the mapped ones, the decisive ones, the primary key. */
    public static List<String> select(String entity, Collection<String> mapped) {
        LinkedHashSet<String> columns = new LinkedHashSet<>(mapped);
        columns.addAll(DECISIVE);
        columns.add(entity + "id");
        return new ArrayList<>(columns);
    }

    /** statecode: 0 active, anything else inactive; null when not given. */
    public Integer state() {
        return columns.get(STATE) instanceof JsonNumber n ? n.intValue() : null;
    }

    /** modifiedon, when given. */
    public Optional<Instant> modifiedOn() {
        return columns.get(MODIFIED_ON) instanceof JsonString s
                ? Optional.ofNullable(DataverseValues.instant(s.getString()))
                : Optional.empty();
    }

    /** donotbulkemail: true when the record does not allow bulk email; null when not given. */
    public Boolean doNotBulkEmail() {
        return DataverseValues.bool(columns.get(DO_NOT_BULK_EMAIL));
    }

    /** sb_syncenabled: false stops the sync of the record; null when not given. */
    public Boolean syncEnabled() {
        return DataverseValues.bool(columns.get(SYNC_ENABLED));
    }

    /** The row's primary key ({entity}id), when the row carries it. */
    public Optional<String> id(String entity) {
        return columns.get(entity + "id") instanceof JsonString s
                ? Optional.of(s.getString())
                : Optional.empty();
    }
}
