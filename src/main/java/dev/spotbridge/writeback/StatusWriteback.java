package dev.spotbridge.writeback;

import dev.spotbridge.dataverse.BatchOperation;
import dev.spotbridge.dataverse.BulkWrites;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.dataverse.SbPermission;
import dev.spotbridge.dataverse.StatusUpdate;
import dev.spotbridge.dataverse.SyncLogRow;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Brings D365 records up to date with their sb_syncstatus, sb_lastsyncedon, sb_lastsyncerror and
 * (after a Spotler opt-out) donotbulkemail, writing only what differs from the last write-back, and
 * adds the events of their history not yet in D365 as sb_synclog rows (failed, blanked, restored,
 * opted out, disabled, consent changed; routine successes only with spotbridge.d365.log-successes):
 * the records of one batch of write-back requests go to Dataverse as PATCHes (If-Match: *) and
 * POSTs in one $batch, each its own part. A deleted record gets no rows. The echo of that PATCH
 * reaches Spotbridge as an Update whose mapped values did not change: no Spotler write, no status
 * change, so no further write-back — the loop ends after one echo.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class StatusWriteback {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    @Inject BulkWrites bulk;

    /**
     * Whether routine successes reach the record's D365 history too
     * (SPOTBRIDGE_D365_LOG_SUCCESSES); off by default, to save the Dataverse request budget.
     */
    @Inject
    @ConfigProperty(name = "spotbridge.d365.log-successes", defaultValue = "false")
    boolean logSuccesses;

    /**
     * How often sb_lastsyncedon alone is written to a record at most
     * (SPOTBRIDGE_LAST_SYNCED_INTERVAL, an ISO-8601 duration): a record synced again and again
     * costs one Dataverse request per interval, and D365 is never behind by more than that ({@link
     * LastSyncedSweep}).
     */
    @Inject
    @ConfigProperty(name = "spotbridge.last-synced-interval", defaultValue = "PT15M")
    Duration lastSyncedInterval;

    /** The most requests one $batch carries (Dataverse takes up to 1000). */
    private static final int MAX_BATCH = 1000;

    /** The sb_syncstatus choice's option values in the Spotbridge solution (src/main/dataverse). */
    public static final String DEFAULT_STATUS_VALUES =
            "Succeeded=100000000,Processing=100000001,Failed=100000002,OptOut=100000003,Disabled=100000004";

    /**
     * Option values of the sb_syncstatus choice (other values: an org whose choice was built by
     * hand before the solution existed).
     */
    @Inject
    @ConfigProperty(name = "spotbridge.d365.status-values", defaultValue = DEFAULT_STATUS_VALUES)
    String statusValues;

    /**
     * Writes back the records named (a record named twice is written once), in the caller's
     * transaction. A part Dataverse throttled or failed (429, 5xx) fails the whole call, so the
     * caller's transaction rolls back and every request is tried again later; the state of what was
     * written moves only with a commit.
     *
     * @return the records whose PATCH Dataverse refused for good (another 4xx than 404), with the
     *     reason; nothing was recorded as written for them
     */
    public Map<String, String> apply(Collection<String> recordKeys) {
        Set<String> keys = new LinkedHashSet<>(recordKeys);
        Map<String, List<SyncHistoryEntry>> events = unlogged(keys);
        Map<String, List<PermissionRowWrite>> rows = rowWrites(keys);
        List<Pending> pending = new ArrayList<>();
        for (String key : keys) {
            pendingOf(key, events.getOrDefault(key, List.of()), rows.getOrDefault(key, List.of()))
                    .ifPresent(pending::add);
        }
        Map<String, String> refused = new LinkedHashMap<>();
        List<Request> requests = new ArrayList<>();
        for (Pending p : pending) {
            if (!p.update().isEmpty()) {
                requests.add(new Request(p, p.update().operation(), null));
            }
            p.logs().forEach(log -> requests.add(new Request(p, log.operation(), log)));
            SyncRecord r = p.record();
            for (PermissionRowWrite w : p.rows) {
                requests.add(
                        new Request(
                                p,
                                w.isNew()
                                        ? SbPermission.create(
                                                w.rowId(),
                                                r.entity(),
                                                r.recordId(),
                                                w.bit(),
                                                w.name(),
                                                w.subscribed())
                                        : SbPermission.subscribed(w.rowId(), w.subscribed()),
                                null));
            }
        }
        List<Request> oneByOne = bulk.inBulk(requests, Request::operation);
        for (int from = 0; from < oneByOne.size(); from += MAX_BATCH) {
            List<Request> part =
                    oneByOne.subList(from, Math.min(oneByOne.size(), from + MAX_BATCH));
            List<Integer> statuses =
                    dataverse.batch(part.stream().map(Request::operation).toList());
            for (int i = 0; i < part.size(); i++) {
                int status = statuses.get(i);
                Request r = part.get(i);
                if (status == 429 || status >= 500) {
                    throw new DataverseUnavailableException(
                            "$batch: the write-back "
                                    + r.what()
                                    + " of "
                                    + r.pending().record().key()
                                    + " answered "
                                    + status
                                    + "; the batch is tried again");
                }
                if (status == 412 && "POST".equals(r.operation().method())) {
                    // a row made with its own id that is there already: an earlier try of this
                    // write-back created it before it failed as a whole (its bulk create is
                    // refused as a whole, 0x80040237, and comes here row by row)
                    continue;
                }
                if (status >= 400 && status != 404) {
                    r.pending().refused = true;
                    refused.put(r.pending().record().key(), "Dataverse answered " + status);
                    em.persist(
                            new SyncHistoryEntry(
                                    r.pending().record().key(),
                                    "WriteBack",
                                    "Failed",
                                    "Dataverse refused the "
                                            + r.what()
                                            + " ("
                                            + status
                                            + "); the request is in the dead-letter queue",
                                    null));
                } else if (status == 404 && r.isRecordPatch()) {
                    r.pending().gone = true;
                }
            }
        }
        pending.stream().filter(p -> !p.refused).forEach(this::written);
        return refused;
    }

    /** One request of the $batch: the record's PATCH, or one of its sb_synclog rows. */
    private record Request(Pending pending, BatchOperation operation, SyncLogRow log) {
        boolean isRecordPatch() {
            return log == null && !operation.target().startsWith("sb_permissions");
        }

        String what() {
            if (log != null) {
                return "sb_synclog row (" + SyncLogRow.label(log.event()) + ")";
            }
            return isRecordPatch()
                    ? "PATCH of " + pending.update().columnNames()
                    : operation.method() + " of the sb_permission row " + operation.target();
        }
    }

    /**
     * {@link #apply} in a transaction of its own: a batch a request limit had no room for leaves
     * nothing behind, and the caller's transaction can still put its requests off.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Map<String, String> applyInOwnTransaction(Collection<String> recordKeys) {
        return apply(recordKeys);
    }

    private static final class Pending {
        final SyncRecord record;
        final WritebackState state;
        final StatusUpdate update;
        final List<SyncLogRow> logs;
        final List<PermissionRowWrite> rows;
        final long loggedThrough;
        final String error;
        boolean refused;
        boolean gone;

        Pending(
                SyncRecord record,
                WritebackState state,
                StatusUpdate update,
                List<SyncLogRow> logs,
                List<PermissionRowWrite> rows,
                long loggedThrough,
                String error) {
            this.record = record;
            this.state = state;
            this.update = update;
            this.logs = logs;
            this.rows = rows;
            this.loggedThrough = loggedThrough;
            this.error = error;
        }

        SyncRecord record() {
            return record;
        }

        StatusUpdate update() {
            return update;
        }

        List<SyncLogRow> logs() {
            return logs;
        }
    }

    /**
     * The history entries of these records that are events of their D365 history, oldest first
     * (routine successes only when they are logged), not all of them written yet.
     */
    private Map<String, List<SyncHistoryEntry>> unlogged(Set<String> keys) {
        if (keys.isEmpty()) {
            return Map.of();
        }
        Map<String, List<SyncHistoryEntry>> byRecord = new LinkedHashMap<>();
        for (List<String> part : partition(new ArrayList<>(keys), 500)) {
            em.createQuery(
                            "select h from SyncHistoryEntry h"
                                    + " left join WritebackState w on w.recordKey = h.recordKey"
                                    + " where h.recordKey in :keys and h.d365Event is not null"
                                    + " and h.id > coalesce(w.loggedThrough, 0)"
                                    + " order by h.id",
                            SyncHistoryEntry.class)
                    .setParameter("keys", part)
                    .getResultList()
                    .forEach(
                            h ->
                                    byRecord.computeIfAbsent(h.recordKey(), k -> new ArrayList<>())
                                            .add(h));
        }
        return byRecord;
    }

    /** The sb_permission rows of these records still to be written to D365. */
    private Map<String, List<PermissionRowWrite>> rowWrites(Set<String> keys) {
        Map<String, List<PermissionRowWrite>> byRecord = new LinkedHashMap<>();
        for (List<String> part : partition(new ArrayList<>(keys), 500)) {
            em.createQuery(
                            "select w from PermissionRowWrite w where w.recordKey in :keys"
                                    + " order by w.requestedAt",
                            PermissionRowWrite.class)
                    .setParameter("keys", part)
                    .getResultList()
                    .forEach(
                            w ->
                                    byRecord.computeIfAbsent(w.recordKey(), k -> new ArrayList<>())
                                            .add(w));
        }
        return byRecord;
    }

    private static <T> List<List<T>> partition(List<T> all, int size) {
        List<List<T>> parts = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            parts.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return parts;
    }

    private Optional<Pending> pendingOf(
            String recordKey, List<SyncHistoryEntry> events, List<PermissionRowWrite> rows) {
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null || record.deleted()) {
            // a deleted record's rows went with it in D365
            rows.forEach(em::remove);
            rows = List.of();
        }
        if (record == null) {
            return Optional.empty();
        }
        WritebackState state = em.find(WritebackState.class, recordKey);
        if (state == null) {
            state = new WritebackState(recordKey);
            em.persist(state);
        }
        String status = record.status().name();
        String error = record.status() == SyncStatus.Failed ? record.lastError() : null;
        boolean errorChanged = !Objects.equals(blankToNull(error), blankToNull(state.lastError()));
        boolean statusChanged = !status.equals(state.status());
        boolean optOut = record.optedOut() && !state.optOutWritten();
        Instant synced = record.lastSyncedAt();
        boolean newerSync = synced != null && !Objects.equals(synced, state.syncedAt());
        // sb_lastsyncedon alone is written at most once per interval (Succeeded → Succeeded
        // writes nothing until then); with a column that changes anyway it costs nothing more
        Instant dueAt = state.syncedAt() == null ? null : state.syncedAt().plus(lastSyncedInterval);
        boolean syncedDue =
                newerSync
                        && (statusChanged
                                || optOut
                                || errorChanged
                                || dueAt == null
                                || !Instant.now().isBefore(dueAt));
        if (newerSync && !syncedDue) {
            state.due(dueAt);
        }
        StatusUpdate update =
                new StatusUpdate(
                        record.entity(),
                        record.recordId(),
                        statusChanged ? optionValue(status) : null,
                        syncedDue ? synced : null,
                        optOut,
                        errorChanged,
                        blankToNull(error));
        long loggedThrough = state.loggedThrough();
        List<SyncLogRow> logs = new ArrayList<>();
        for (SyncHistoryEntry entry : events) {
            loggedThrough = Math.max(loggedThrough, entry.id());
            if (!record.deleted() && (logSuccesses || !entry.event().routine())) {
                logs.add(
                        new SyncLogRow(
                                record.entity(),
                                record.recordId(),
                                entry.event(),
                                entry.at(),
                                entry.detail()));
            }
        }
        if (update.isEmpty() && logs.isEmpty() && rows.isEmpty()) {
            if (loggedThrough > state.loggedThrough()) {
                state.logged(loggedThrough);
            }
            return Optional.empty();
        }
        return Optional.of(new Pending(record, state, update, logs, rows, loggedThrough, error));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private void written(Pending p) {
        SyncRecord record = p.record;
        p.state.written(
                record.status().name(),
                p.update.lastSyncedOn() != null ? record.lastSyncedAt() : p.state.syncedAt(),
                record.optedOut(),
                blankToNull(p.error),
                p.loggedThrough);
        if (p.update.lastSyncedOn() != null) {
            p.state.due(null);
        }
        p.rows.forEach(em::remove);
        if (p.update.isEmpty()) {
            return;
        }
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "WriteBack",
                        p.gone ? "Skipped" : "Succeeded",
                        p.gone
                                ? "the record is no longer in Dataverse; nothing written back"
                                : "D365 record updated: "
                                        + p.update.columnNames()
                                        + (p.logs.isEmpty()
                                                ? ""
                                                : "; " + p.logs.size() + " sync log row(s) added"),
                        null));
    }

    private int optionValue(String status) {
        Map<String, Integer> values =
                Arrays.stream(statusValues.split(","))
                        .map(String::trim)
                        .map(pair -> pair.split("="))
                        .collect(
                                Collectors.toMap(
                                        p -> p[0].trim(), p -> Integer.parseInt(p[1].trim())));
        Integer value = values.get(status);
        if (value == null) {
            throw new IllegalStateException(
                    "spotbridge.d365.status-values has no value for "
                            + status
                            + ": "
                            + statusValues);
        }
        return value;
    }
}
