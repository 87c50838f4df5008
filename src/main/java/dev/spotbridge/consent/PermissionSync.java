package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.PermissionBits;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An sb_permission row changed in D365: that one Spotler permission bit of its record goes on or
 * off (PUT /contact/{id}, purge:false). Bits come from the account (GET /contact/properties/list),
 * matched by sb_bit or by name. While the record opts out of bulk email, is opted out in Spotler,
 * disabled, blank or not yet in Spotler, the row is only kept: its bit is written when that
 * changes.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class PermissionSync {

    private static final String COLUMNS =
            "sb_bit,sb_name,sb_subscribed,_sb_contactid_value,_sb_leadid_value,_sb_accountid_value";
    private static final List<String> OWNERS = List.of("sb_contactid", "sb_leadid", "sb_accountid");

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SpotlerGateway spotler;

    @Inject PermissionBits bits;

    @Inject DataverseGateway dataverse;

    @Inject ConsentLedger ledger;

    @Inject WritebackQueue writeback;

    public Outcome apply(ChangeEvent event) {
        if (em.find(ProcessedEvent.class, event.key()) != null) {
            return Outcome.SKIPPED;
        }
        String rowId = event.recordId();
        PermissionRow row = em.find(PermissionRow.class, rowId);
        boolean deleted = "Delete".equals(event.message());
        Map<String, JsonValue> columns = new LinkedHashMap<>(event.attributes());
        if (!deleted && (!event.complete() || owner(columns).isEmpty() && row == null)) {
            // an Update without image carries only what changed: read the row
            dataverse
                    .record("sb_permission", rowId, List.of(COLUMNS.split(",")))
                    .ifPresent(
                            current -> {
                                Map<String, JsonValue> merged = new LinkedHashMap<>(current);
                                merged.putAll(columns);
                                columns.clear();
                                columns.putAll(merged);
                            });
        }
        String recordKey = owner(columns).orElse(row == null ? null : row.recordKey());
        if (recordKey == null) {
            em.persist(new ProcessedEvent(event.key()));
            return Outcome.SKIPPED;
        }
        String name =
                columns.get("sb_name") instanceof JsonString s
                        ? s.getString()
                        : row == null ? null : row.name();
        Long bit =
                columns.get("sb_bit") instanceof JsonNumber n
                        ? Long.valueOf(n.longValue())
                        : row == null ? null : row.bit();
        if (bit == null) {
            bit = bits.byName(name).orElse(null);
        }
        boolean subscribed =
                !deleted
                        && (columns.containsKey("sb_subscribed")
                                ? Boolean.TRUE.equals(
                                        DataverseValues.bool(columns.get("sb_subscribed")))
                                : row != null && row.subscribed());
        Boolean before = row == null ? null : row.subscribed();
        String[] parts = recordKey.split(":", 2);
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null) {
            record = new SyncRecord(parts[0], parts[1]);
            em.persist(record);
        }
        String operation = "sb_permission " + event.message();
        if (bit == null || !bits.named().containsKey(bit)) {
            String reason =
                    "permission "
                            + (bit == null ? "'" + name + "'" : "bit " + bit)
                            + " is not a permission of the Spotler account (bits: "
                            + bits.named()
                            + ")";
            record.failed(reason, true);
            em.persist(
                    new SyncHistoryEntry(
                            record.key(),
                            operation,
                            "Failed",
                            reason + "; the message is in the dead-letter queue",
                            event.key()));
            writeback.request(record);
            return Outcome.REJECTED;
        }
        if (deleted) {
            if (row != null) {
                em.remove(row);
            }
        } else {
            mirror(row, rowId, recordKey, bit, name, subscribed);
        }
        if (before == null || before != subscribed) {
            ledger.record(
                    record,
                    Source.D365,
                    ConsentLedger.PERMISSION,
                    "permission " + bits.describe(bit),
                    before == null ? null : before ? "on" : "off",
                    subscribed ? "on" : "off",
                    event.key());
        }
        String outcome;
        String detail;
        String held = held(record);
        if (held != null) {
            outcome = "Skipped";
            detail =
                    "permission "
                            + bits.describe(bit)
                            + (subscribed ? " on" : " off")
                            + " kept, not written: "
                            + held;
        } else if (Boolean.valueOf(subscribed).equals(record.writtenPermissions().get(bit))) {
            outcome = "NoChange";
            detail =
                    "permission "
                            + bits.describe(bit)
                            + " already "
                            + (subscribed ? "on" : "off")
                            + " in Spotler";
        } else {
            try {
                if (spotler.permissions(record.recordId(), Map.of(bit, subscribed))) {
                    record.permissionsWritten(Map.of(bit, subscribed));
                    record.settled(true);
                    outcome = "Succeeded";
                    detail =
                            "permission "
                                    + bits.describe(bit)
                                    + (subscribed ? " on" : " off")
                                    + " in Spotler";
                    writeback.request(record);
                } else {
                    outcome = "Skipped";
                    detail =
                            "permission kept: the contact is not in Spotler yet; it is sent with the first sync";
                }
            } catch (SpotlerRejectedException e) {
                record.failed("Spotler rejected the permission change: " + e.getMessage(), true);
                em.persist(
                        new SyncHistoryEntry(
                                record.key(),
                                operation,
                                "Failed",
                                "Spotler rejected the permission change, not retried: "
                                        + e.getMessage(),
                                event.key()));
                writeback.request(record);
                return Outcome.REJECTED;
            }
        }
        em.persist(new SyncHistoryEntry(record.key(), operation, outcome, detail, event.key()));
        em.persist(new ProcessedEvent(event.key()));
        return "Succeeded".equals(outcome) ? Outcome.WRITTEN : Outcome.NO_CHANGE;
    }

    /** Why a record's permission bits are not written now; null when they are. */
    private static String held(SyncRecord record) {
        if (record.deleted() || record.blanked()) {
            return "the record is deleted or inactive in D365";
        }
        if (!record.syncEnabled()) {
            return "sync disabled in D365";
        }
        if (record.optedOut()) {
            return "opted out in Spotler";
        }
        if (record.bulkEmailOptOut()) {
            return "the record does not allow bulk email (donotbulkemail)";
        }
        if (!record.inSpotler()) {
            return "the contact is not in Spotler yet; the bit is sent with its first sync";
        }
        return null;
    }

    /**
     * The permissions a record should have in Spotler, from its sb_permission rows as Dataverse
     * holds them now (the mirror is refreshed from them): subscribed bits on, unsubscribed off, and
     * with othersOff every other bit of the account off too. Without an sb_permission table (the
     * solution is not installed) there are no rows.
     */
    public Map<Long, Boolean> fromDataverse(SyncRecord record, boolean othersOff) {
        Map<Long, Boolean> wanted = new LinkedHashMap<>();
        if (othersOff) {
            bits.all().forEach(bit -> wanted.put(bit, false));
        }
        fromDataverse(record.entity(), List.of(record.recordId()))
                .getOrDefault(record.recordId(), Map.of())
                .forEach((bit, on) -> wanted.merge(bit, on, Boolean::logicalOr));
        return wanted;
    }

    /** Records per sb_permission query of {@link #fromDataverse(String, Collection)}. */
    static final int RECORDS_PER_QUERY = 100;

    /**
     * The permissions of many records of one table at once (the contacts a backfill or a list sync
     * creates in Spotler): their sb_permission rows in one query per {@value #RECORDS_PER_QUERY}
     * records ({@code _sb_contactid_value eq … or …}), mirrored like a single record's.
     *
     * @return per record id the bits its rows name (subscribed on, unsubscribed off); a record
     *     without rows is absent
     */
    public Map<String, Map<Long, Boolean>> fromDataverse(
            String entity, Collection<String> recordIds) {
        Map<String, Map<Long, Boolean>> wanted = new LinkedHashMap<>();
        List<String> ids = List.copyOf(recordIds);
        String lookup = "_sb_" + entity + "id_value";
        for (int from = 0; from < ids.size(); from += RECORDS_PER_QUERY) {
            String filter =
                    ids.subList(from, Math.min(ids.size(), from + RECORDS_PER_QUERY)).stream()
                            .map(id -> lookup + " eq " + id)
                            .collect(java.util.stream.Collectors.joining(" or "));
            List<Map<String, JsonValue>> rows;
            try {
                rows = dataverse.rows("sb_permissions", filter, COLUMNS);
            } catch (DataverseRejectedException e) {
                // the org has no sb_permission table (solution not installed): no rows, no
                // permission is changed
                return wanted;
            }
            for (Map<String, JsonValue> columns : rows) {
                // the lookup as the gateway reads it: sb_contactid = {id, logicalName}
                String recordId =
                        columns.get("sb_" + entity + "id") instanceof JsonObject ref
                                        && ref.get("id") instanceof JsonString s
                                ? DataverseValues.guid(s.getString())
                                : null;
                if (recordId == null) {
                    continue;
                }
                String rowId =
                        columns.get("sb_permissionid") instanceof JsonString s
                                ? s.getString()
                                : null;
                String name = columns.get("sb_name") instanceof JsonString s ? s.getString() : null;
                Long bit =
                        columns.get("sb_bit") instanceof JsonNumber n
                                ? Long.valueOf(n.longValue())
                                : bits.byName(name).orElse(null);
                boolean subscribed =
                        Boolean.TRUE.equals(DataverseValues.bool(columns.get("sb_subscribed")));
                if (bit != null && bits.named().containsKey(bit)) {
                    wanted.computeIfAbsent(recordId, k -> new LinkedHashMap<>())
                            .merge(bit, subscribed, Boolean::logicalOr);
                }
                if (rowId != null) {
                    mirror(
                            em.find(PermissionRow.class, rowId),
                            rowId,
                            SyncRecord.key(entity, recordId),
                            bit,
                            name,
                            subscribed);
                }
            }
        }
        return wanted;
    }

    /** The row as Spotbridge now knows it (known: the mirror's row, or null when there is none). */
    private void mirror(
            PermissionRow known,
            String rowId,
            String recordKey,
            Long bit,
            String name,
            boolean subscribed) {
        PermissionRow row = known == null ? new PermissionRow(rowId) : known;
        row.set(recordKey, bit, name, subscribed);
        if (known == null) {
            em.persist(row);
        }
    }

    /**
     * "contact:<id>" of the record the row belongs to, from its sb_contactid / sb_leadid /
     * sb_accountid lookup.
     */
    private static Optional<String> owner(Map<String, JsonValue> columns) {
        for (String lookup : OWNERS) {
            JsonValue value = columns.get(lookup);
            if (value instanceof JsonObject ref
                    && ref.get("id") instanceof JsonString id
                    && DataverseValues.guid(id.getString()) != null) {
                String entity = lookup.substring(3, lookup.length() - 2);
                return Optional.of(SyncRecord.key(entity, DataverseValues.guid(id.getString())));
            }
        }
        return Optional.empty();
    }
}
