package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.dataverse.SbPermission;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvent;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.records.TransactionScoped;
import dev.spotbridge.spotler.PermissionBits;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

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

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SyncRecords records;

    @Inject SpotlerGateway spotler;

    @Inject PermissionBits bits;

    @Inject DataverseGateway dataverse;

    @Inject ConsentLedger ledger;

    @Inject WritebackQueue writeback;

    public Outcome apply(ChangeEvent event) {
        if (em.find(ProcessedEvent.class, event.key()) != null) {
            return Outcome.SKIPPED;
        }
        // a row changes: what this transaction read of rows before is no longer what D365 holds
        TransactionScoped.get(transaction, ROWS_KEY, java.util.HashMap::new).clear();
        String rowId = event.recordId();
        PermissionRow row = em.find(PermissionRow.class, rowId);
        boolean deleted = "Delete".equals(event.message());
        SbPermission carried = SbPermission.of(rowId, event.attributes());
        // an Update without image carries only what changed: read the row
        SbPermission columns =
                !deleted && (!event.complete() || carried.owner().isEmpty() && row == null)
                        ? dataverse.permissionRow(rowId, event.attributes())
                        : carried;
        String recordKey =
                columns.owner()
                        .map(o -> SyncRecord.key(o.entity(), o.id()))
                        .orElse(row == null ? null : row.recordKey());
        if (recordKey == null) {
            em.persist(new ProcessedEvent(event.key()));
            return Outcome.SKIPPED;
        }
        String name = columns.name() != null ? columns.name() : row == null ? null : row.name();
        Long bit = columns.bit() != null ? columns.bit() : row == null ? null : row.bit();
        if (bit == null) {
            bit = bits.byName(name).orElse(null);
        }
        boolean subscribed =
                !deleted
                        && (columns.subscribed() != null
                                ? columns.subscribed()
                                : row != null && row.subscribed());
        Boolean before = row == null ? null : row.subscribed();
        String[] parts = recordKey.split(":", 2);
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null) {
            record = new SyncRecord(parts[0], parts[1]);
            em.persist(record);
        }
        String operation = SbPermission.TABLE + " " + event.message();
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
                                    event.key())
                            .logged(SyncEvent.FAILED));
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
        if ("Create".equals(event.message())
                && row != null
                && bit.equals(row.bit())
                && before == subscribed) {
            // a row Spotbridge made (or already read): its Create tells nothing new
            outcome = "NoChange";
            detail =
                    "permission "
                            + bits.describe(bit)
                            + " row as Spotbridge made or read it; nothing to write";
        } else if (held != null) {
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
                                        event.key())
                                .logged(SyncEvent.FAILED));
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
        if (record.erased()) {
            return "the record was erased on request (GDPR); a resync syncs it again";
        }
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
        Map<String, Map<Long, Boolean>> known =
                TransactionScoped.get(transaction, ROWS_KEY, java.util.HashMap::new);
        Map<Long, Boolean> rows = known.get(record.recordId());
        if (rows == null) {
            rows =
                    fromDataverse(record.entity(), List.of(record.recordId()))
                            .getOrDefault(record.recordId(), Map.of());
        }
        rows.forEach((bit, on) -> wanted.merge(bit, on, Boolean::logicalOr));
        return wanted;
    }

    /**
     * The bits of the records whose rows this transaction read in bulk (a batch of changes reads
     * them once for all its new contacts); an sb_permission change of the transaction forgets them.
     */
    private static final String ROWS_KEY = PermissionSync.class.getName() + ".rows";

    /**
     * The permissions of many records of one table at once (the contacts a backfill or a list sync
     * creates in Spotler): their sb_permission rows read in bulk, mirrored like a single record's.
     *
     * @return per record id the bits its rows name (subscribed on, unsubscribed off); a record
     *     without rows is absent
     */
    public Map<String, Map<Long, Boolean>> fromDataverse(
            String entity, Collection<String> recordIds) {
        Map<String, Map<Long, Boolean>> wanted = new LinkedHashMap<>();
        List<SbPermission> rows;
        try {
            rows = dataverse.permissionRows(entity, recordIds);
            tableExists = true;
            readInThisTransaction().addAll(recordIds);
        } catch (DataverseRejectedException e) {
            // the org has no sb_permission table (solution not installed): no rows, no
            // permission is changed
            tableExists = false;
            return wanted;
        }
        Map<String, Map<Long, Boolean>> known =
                TransactionScoped.get(transaction, ROWS_KEY, java.util.HashMap::new);
        for (SbPermission permission : rows) {
            if (permission.owner().isEmpty()) {
                continue;
            }
            String recordId = permission.owner().get().id();
            Long bit =
                    permission.bit() != null
                            ? permission.bit()
                            : bits.byName(permission.name()).orElse(null);
            boolean subscribed = Boolean.TRUE.equals(permission.subscribed());
            if (bit != null && bits.named().containsKey(bit)) {
                wanted.computeIfAbsent(recordId, k -> new LinkedHashMap<>())
                        .merge(bit, subscribed, Boolean::logicalOr);
            }
            if (permission.id() != null) {
                mirror(
                        em.find(PermissionRow.class, permission.id()),
                        permission.id(),
                        SyncRecord.key(entity, recordId),
                        bit,
                        permission.name(),
                        subscribed);
            }
        }
        for (String recordId : recordIds) {
            known.put(recordId, Map.copyOf(wanted.getOrDefault(recordId, Map.of())));
        }
        return wanted;
    }

    /**
     * Records just created in D365 (their Create webhook): no sb_permission row can be older than
     * its record, so the rows the mirror has (a row's webhook that came first) are all there are,
     * and they are not read from Dataverse — a create costs no read of its own. A row whose webhook
     * comes later switches its bit itself ({@link #apply}).
     */
    public void createdJustNow(String entity, Collection<String> recordIds) {
        if (recordIds.isEmpty() || tableExists == null) {
            // the first read after a start tells whether the org has the table at all
            fromDataverse(entity, recordIds);
            return;
        }
        Map<String, Map<Long, Boolean>> known =
                TransactionScoped.get(transaction, ROWS_KEY, java.util.HashMap::new);
        Map<String, String> byKey = new LinkedHashMap<>();
        recordIds.forEach(id -> byKey.put(SyncRecord.key(entity, id), id));
        Map<String, Map<Long, Boolean>> bits = new LinkedHashMap<>();
        em.createQuery(
                        "select r from PermissionRow r where r.recordKey in :keys"
                                + " and r.bit is not null",
                        PermissionRow.class)
                .setParameter("keys", byKey.keySet())
                .setFlushMode(jakarta.persistence.FlushModeType.COMMIT)
                .getResultList()
                .forEach(
                        row ->
                                bits.computeIfAbsent(
                                                byKey.get(row.recordKey()),
                                                k -> new LinkedHashMap<>())
                                        .merge(row.bit(), row.subscribed(), Boolean::logicalOr));
        for (String id : recordIds) {
            known.put(id, Map.copyOf(bits.getOrDefault(id, Map.of())));
        }
        readInThisTransaction().addAll(recordIds);
    }

    /**
     * Whether the org had an sb_permission table at the last read of rows (null: not read yet):
     * without one, Spotbridge keeps no rows.
     */
    private volatile Boolean tableExists;

    /**
     * Gives a record Spotler has just created one sb_permission row per permission of the Spotler
     * account, subscribed as Spotbridge wrote the bit (off when it wrote none, as a new contact has
     * it): the rows it lacks are created in D365 by the record's write-back, and their echo finds
     * nothing to write. A record whose rows were just read ({@code mirrorFresh}) is not read again;
     * otherwise its rows are read first when the mirror lacks a bit, so no row is made twice.
     */
    public void ensureRows(SyncRecord record, boolean mirrorFresh) {
        Map<Long, String> named = bits.named();
        Set<Long> have = mirroredBits(record.key());
        if (have.containsAll(named.keySet())) {
            return;
        }
        boolean fresh = mirrorFresh || readInThisTransaction().contains(record.recordId());
        if (!fresh || tableExists == null) {
            fromDataverse(record.entity(), List.of(record.recordId()));
            have = mirroredBits(record.key());
        }
        if (!Boolean.TRUE.equals(tableExists)) {
            return;
        }
        Map<Long, Boolean> written = record.writtenPermissions();
        Map<Long, Boolean> unwritten = new LinkedHashMap<>();
        for (Map.Entry<Long, String> permission : named.entrySet()) {
            long bit = permission.getKey();
            if (have.contains(bit)) {
                continue;
            }
            boolean on = Boolean.TRUE.equals(written.get(bit));
            if (!written.containsKey(bit)) {
                // a contact Spotler just created has the bits it was not sent off
                unwritten.put(bit, false);
            }
            String rowId = UUID.randomUUID().toString();
            mirror(null, rowId, record.key(), bit, permission.getValue(), on);
            writeback.permissionRow(record, rowId, bit, permission.getValue(), on, true);
        }
        if (!unwritten.isEmpty()) {
            record.permissionsWritten(unwritten);
        }
    }

    /**
     * The hourly pull found a contact changed in Spotler: the permissions it holds there that
     * differ from what Spotbridge last wrote (a form, a preference page) are recorded as consent
     * changes and set on the record's sb_permission rows in D365 (a row it lacks is created).
     *
     * @return the number of permissions changed
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public int foundByPull(String externalId, Map<Long, Boolean> inSpotler) {
        String id = DataverseValues.guid(externalId);
        if (id == null || inSpotler.isEmpty()) {
            return 0;
        }
        Map<Long, String> named = bits.named();
        int changes = 0;
        for (SyncRecord record : records.withIds(List.of(id))) {
            if (!record.inSpotler()
                    || record.deleted()
                    || record.blanked()
                    || record.optedOut()
                    || !record.syncEnabled()) {
                continue;
            }
            Map<Long, Boolean> written = record.writtenPermissions();
            Map<Long, Boolean> changed = new LinkedHashMap<>();
            inSpotler.forEach(
                    (bit, on) -> {
                        if (named.containsKey(bit) && !on.equals(written.get(bit))) {
                            changed.put(bit, on);
                        }
                    });
            if (changed.isEmpty()) {
                continue;
            }
            record.permissionsWritten(changed);
            Map<Long, PermissionRow> rows = mirrored(record.key());
            for (Map.Entry<Long, Boolean> c : changed.entrySet()) {
                long bit = c.getKey();
                boolean on = c.getValue();
                PermissionRow row = rows.get(bit);
                Boolean before = row == null ? null : row.subscribed();
                if (row == null) {
                    String rowId = UUID.randomUUID().toString();
                    mirror(null, rowId, record.key(), bit, named.get(bit), on);
                    writeback.permissionRow(record, rowId, bit, named.get(bit), on, true);
                } else {
                    mirror(row, row.rowId(), record.key(), bit, row.name(), on);
                    writeback.permissionRow(record, row.rowId(), bit, row.name(), on, false);
                }
                ledger.record(
                        record,
                        Source.Spotler,
                        ConsentLedger.PERMISSION,
                        "permission " + bits.describe(bit),
                        before == null ? null : before ? "on" : "off",
                        on ? "on" : "off",
                        null);
                changes++;
            }
            em.persist(
                    new SyncHistoryEntry(
                            record.key(),
                            "SpotlerChanges",
                            "Succeeded",
                            "permissions changed in Spotler, set on the D365 rows: "
                                    + changed.entrySet().stream()
                                            .map(
                                                    e ->
                                                            bits.describe(e.getKey())
                                                                    + (e.getValue()
                                                                            ? " on"
                                                                            : " off"))
                                            .collect(Collectors.joining(", ")),
                            null));
        }
        return changes;
    }

    /**
     * The records whose rows were read from Dataverse in this transaction (the first write of a
     * record reads them): their mirror is fresh, so making their rows reads nothing again.
     */
    private Set<String> readInThisTransaction() {
        return TransactionScoped.get(transaction, READ_KEY, java.util.HashSet::new);
    }

    private static final String READ_KEY = PermissionSync.class.getName() + ".read";

    @Resource TransactionSynchronizationRegistry transaction;

    /**
     * The bits of the record's rows as the mirror knows them: its committed rows, read without
     * flushing the transaction (a flush checks every entity of it for changes, which in a
     * backfill's batch costs more than the query), and the rows this transaction mirrored.
     */
    private Set<Long> mirroredBits(String recordKey) {
        Set<Long> bits = new java.util.HashSet<>(mirroredInThisTransaction(recordKey));
        em.createQuery(
                        "select r.bit from PermissionRow r where r.recordKey = :key"
                                + " and r.bit is not null",
                        Long.class)
                .setParameter("key", recordKey)
                .setFlushMode(jakarta.persistence.FlushModeType.COMMIT)
                .getResultList()
                .forEach(bits::add);
        return bits;
    }

    /** The bits of the rows of a record this transaction mirrored (made, read or changed). */
    private Set<Long> mirroredInThisTransaction(String recordKey) {
        Map<String, Set<Long>> byRecord =
                TransactionScoped.get(transaction, MIRRORED_KEY, java.util.HashMap::new);
        return byRecord.computeIfAbsent(recordKey, k -> new java.util.HashSet<>());
    }

    private static final String MIRRORED_KEY = PermissionSync.class.getName() + ".mirrored";

    /** The record's rows as the mirror knows them, by bit. */
    private Map<Long, PermissionRow> mirrored(String recordKey) {
        Map<Long, PermissionRow> rows = new LinkedHashMap<>();
        em.createQuery(
                        "select r from PermissionRow r where r.recordKey = :key",
                        PermissionRow.class)
                .setParameter("key", recordKey)
                .getResultList()
                .forEach(
                        r -> {
                            if (r.bit() != null) {
                                rows.putIfAbsent(r.bit(), r);
                            }
                        });
        return rows;
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
        if (bit != null) {
            mirroredInThisTransaction(recordKey).add(bit);
        }
        if (known == null) {
            em.persist(row);
        }
    }
}
