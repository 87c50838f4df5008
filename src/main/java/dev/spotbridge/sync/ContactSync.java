package dev.spotbridge.sync;

import dev.spotbridge.consent.OptOutCheck;
import dev.spotbridge.consent.PermissionSync;
import dev.spotbridge.consent.Permissions;
import dev.spotbridge.consent.SpotlerOptOuts;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.privacy.Erasure;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.ChangeEvent.Operation;
import dev.spotbridge.queue.LogContext;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvent;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.records.SyncStatus;
import dev.spotbridge.spotler.PermissionBits;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerGateway.ContactResult;
import dev.spotbridge.spotler.SpotlerProperties;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.tracing.ChangeTraces;
import dev.spotbridge.tracing.Tracing;
import dev.spotbridge.writeback.WritebackQueue;
import io.opentelemetry.api.trace.Span;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Carries out what {@link SyncDecision} says a record change means, at most once in effect: the
 * idempotency ledger, the record's state, its history and consent ledger, and the write-back
 * request commit together (in a transaction of its own, nested in the consumer's, so that a change
 * a request limit puts off leaves nothing behind). A transient failure propagates (the transaction
 * rolls back, the broker redelivers); a permanent Spotler refusal is recorded as Failed and
 * reported as {@link Outcome#REJECTED} so the consumer dead-letters the message.
 */
@ApplicationScoped
@Transactional
public class ContactSync {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SpotlerGateway spotler;

    @Inject SpotlerProperties properties;

    @Inject OptOutCheck optOutCheck;

    @Inject PermissionBits permissionBits;

    @Inject DataverseGateway dataverse;

    @Inject ActiveMapping mapping;

    @Inject Coalescing coalescing;

    @Inject Tracing tracing;

    @Inject SyncRecords records;

    @Inject SpotlerOptOuts optOuts;

    @Inject Permissions permissions;

    @Inject WritebackQueue writeback;

    @Inject PermissionSync permissionRows;

    @Inject Erasure erasure;

    @Resource TransactionSynchronizationRegistry transaction;

    /** The transaction resource under which a batch keeps its {@link PendingWrites}. */
    private static final String PENDING = ContactSync.class.getName() + ".pending";

    /** The records a batch deleted, erased before it commits: record and the values it carried. */
    private static final String ERASE = ContactSync.class.getName() + ".erase";

    private record Deleted(SyncRecord record, List<JsonValue> carried) {}

    /** The outcome and the history line of one attempt. */
    /** What a decision did; changes is {property: {before, after}} of a Spotler write, or null. */
    record Step(Outcome result, String detail, JsonObject changes, int mappingVersion) {
        Step(Outcome result, String detail) {
            this(result, detail, null, 0);
        }
    }

    /**
     * {@link #apply} in a transaction of its own: when a request limit puts the change off, its
     * database work is rolled back while the consumer's transaction commits the change's return to
     * the queue. The idempotency ledger (processed_event) commits with the work, so a redelivery
     * after a crash between the two commits is skipped.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Outcome applyInOwnTransaction(ChangeEvent event) {
        return apply(event);
    }

    /**
     * A batch of record changes, in a transaction of its own, in order: each is decided and its
     * state moved as {@link #apply} does, but the Spotler writes of the whole batch go out together
     * at the end, up to 100 contacts per POST /contact/list (several changes of one record, one
     * write). The records are locked first, in key order, so a change of one of them that another
     * node or thread took meanwhile waits for this batch's commit. Their sb_permission rows are
     * read from Dataverse in one request per table for the records Spotler does not have yet (a
     * create needs no read of its own, also when it waited out an outage first).
     *
     * @return the outcome of each change, in order
     * @throws ItemsFailed when Spotler refused some contacts of the batch's write: nothing is
     *     committed, and the caller tries those records' changes one by one
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Outcome> applyBatch(List<ChangeEvent> events) {
        PendingWrites pending = new PendingWrites();
        transaction.putResource(PENDING, pending);
        lock(events);
        readPermissionRows(events);
        List<Outcome> outcomes = new ArrayList<>(events.size());
        for (ChangeEvent event : events) {
            outcomes.add(LogContext.of(event, () -> apply(event)));
        }
        send(pending.takeAll());
        // the deleted records' values go last, once everything the batch wrote of them is written
        @SuppressWarnings("unchecked")
        List<Deleted> deleted = (List<Deleted>) transaction.getResource(ERASE);
        if (deleted != null) {
            deleted.stream()
                    // (restored from the recycle bin later in the batch: synced again, kept)
                    .filter(d -> d.record().deleted())
                    .forEach(d -> erased(d.record(), d.carried()));
        }
        return outcomes;
    }

    /** Locks the batch's records that exist, in key order (so two batches cannot deadlock). */
    private void lock(List<ChangeEvent> events) {
        List<String> keys =
                events.stream()
                        .filter(e -> e.operation() != Operation.PERMISSION)
                        .map(e -> SyncRecord.key(e.entity(), e.recordId()))
                        .distinct()
                        .sorted()
                        .toList();
        if (!keys.isEmpty()) {
            em.createQuery(
                            "select r from SyncRecord r where r.key in :keys order by r.key",
                            SyncRecord.class)
                    .setParameter("keys", keys)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .getResultList();
        }
    }

    /**
     * The sb_permission rows of the records a change of the batch may create in Spotler: none to
     * read for a record created just now in D365 (its Create), one read per table for the others.
     */
    private void readPermissionRows(List<ChangeEvent> events) {
        Map<String, Set<String>> created = new LinkedHashMap<>();
        Map<String, Set<String>> existing = new LinkedHashMap<>();
        for (ChangeEvent event : events) {
            if (event.operation() != Operation.UPSERT) {
                continue;
            }
            SyncRecord record = em.find(SyncRecord.class, event.group());
            if (record == null || !record.inSpotler()) {
                // a create whose record shows only because the change waited (an outage) is
                // still a record created just now: no read of its own
                ("Create".equals(event.message()) && (record == null || record.untouched())
                                ? created
                                : existing)
                        .computeIfAbsent(event.entity(), k -> new LinkedHashSet<>())
                        .add(event.recordId());
            }
        }
        created.forEach((entity, ids) -> permissionRows.createdJustNow(entity, ids));
        existing.forEach((entity, ids) -> permissionRows.fromDataverse(entity, ids));
    }

    /**
     * Sends deferred writes, up to 100 per call. A contact Spotler answered CONTACT_OPTOUT for is
     * opted out now, as a single write would find it.
     *
     * @throws ItemsFailed naming every contact Spotler refused or answered ERROR for, once all were
     *     sent
     */
    private void send(Collection<PendingWrites.Pending> writes) {
        List<PendingWrites.Pending> all = List.copyOf(writes);
        Map<String, String> refused = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += SpotlerGateway.CONTACTS_PER_WRITE) {
            List<PendingWrites.Pending> part =
                    all.subList(
                            from, Math.min(all.size(), from + SpotlerGateway.CONTACTS_PER_WRITE));
            List<ContactResult> results;
            try {
                results =
                        spotler.upsertAll(part.stream().map(PendingWrites.Pending::write).toList());
            } catch (SpotlerRejectedException e) {
                // the request as a whole: a lone contact's refusal, else each is tried alone
                for (PendingWrites.Pending write : part) {
                    (part.size() == 1 ? refused : failed)
                            .put(write.record().recordId(), e.getMessage());
                }
                continue;
            }
            Map<String, ContactResult> byId = new LinkedHashMap<>();
            for (int i = 0; i < results.size(); i++) {
                ContactResult result = results.get(i);
                String id =
                        result.externalId().isBlank() && i < part.size()
                                ? part.get(i).record().recordId()
                                : result.externalId();
                byId.put(id, result);
            }
            for (PendingWrites.Pending write : part) {
                ContactResult result = byId.get(write.record().recordId());
                String code = result == null ? "OK" : result.code();
                String id = write.record().recordId();
                switch (code) {
                    case "OK" -> {}
                    case "CONTACT_OPTOUT" -> optedOutOnWrite(write.record());
                    case "ERROR" -> failed.put(id, "POST contact/list: ERROR " + result.message());
                    default ->
                            refused.put(id, "POST contact/list: " + code + " " + result.message());
                }
            }
        }
        if (!refused.isEmpty() || !failed.isEmpty()) {
            throw new ItemsFailed(refused, failed);
        }
    }

    /** Spotler answered CONTACT_OPTOUT to a batch's write: the contact opted out there. */
    private void optedOutOnWrite(SyncRecord record) {
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "SpotlerWrite",
                        "Succeeded",
                        optOuts.optedOut(
                                record,
                                "written to Spotler; Spotler answered CONTACT_OPTOUT",
                                null),
                        null));
        writeback.request(record);
    }

    /**
     * A change whose contact Spotler refused for good in a batch's write, in a transaction of its
     * own: the record is Failed with the reason, as {@link #apply} makes it when a single write is
     * refused; the caller dead-letters the change.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Outcome refusedInOwnTransaction(ChangeEvent event, String reason) {
        return refused(records.open(event.entity(), event.recordId()), event, reason);
    }

    private Outcome refused(SyncRecord record, ChangeEvent event, String reason) {
        record.failed("Spotler rejected the change: " + reason, true);
        history(
                        record,
                        event,
                        "Failed",
                        "Spotler rejected the change, not retried: "
                                + reason
                                + "; the message is in the dead-letter queue")
                .logged(SyncEvent.FAILED);
        writeback.request(record);
        return Outcome.REJECTED;
    }

    /** A batch's pending write of this record goes out now, before its contact is touched again. */
    private void sendPending(String recordId) {
        PendingWrites pending = (PendingWrites) transaction.getResource(PENDING);
        if (pending != null) {
            pending.take(recordId).ifPresent(write -> send(List.of(write)));
        }
    }

    /** A contact write: held for the batch's write when in a batch, else made now. */
    private boolean write(
            SyncRecord record,
            Map<String, JsonValue> properties,
            Map<Long, Boolean> permissions,
            boolean created) {
        PendingWrites pending = (PendingWrites) transaction.getResource(PENDING);
        if (pending == null) {
            return spotler.upsert(record.recordId(), properties, permissions, created);
        }
        pending.add(record, properties, permissions, created);
        return true;
    }

    public Outcome apply(ChangeEvent event) {
        PendingWrites pending = (PendingWrites) transaction.getResource(PENDING);
        if (pending != null && event.operation() != Operation.UPSERT) {
            // a delete, state change, resync or permission reads or writes the contact itself:
            // the batch's writes before it go out first (a permission row's record: all of them)
            if (event.operation() == Operation.PERMISSION) {
                send(pending.takeAll());
            } else {
                sendPending(event.recordId());
            }
        }
        if (event.operation() == Operation.PERMISSION) {
            return permissionRows.apply(event);
        }
        SyncRecord record = records.open(event.entity(), event.recordId());
        Snapshot before = new Snapshot(record);
        boolean alreadyApplied = em.find(ProcessedEvent.class, event.key()) != null;
        Step step;
        // the decision (and what it does now; a batched write goes out with the batch) as a span
        // of the change's own trace
        Span decision =
                tracing.child(
                        "decide " + event.message() + " " + event.entity(),
                        ChangeTraces.context(event.key()));
        try {
            step = decide(event, record, alreadyApplied);
            decision.setAttribute("spotbridge.outcome", step.result().name());
        } catch (SpotlerRejectedException e) {
            decision.setAttribute("spotbridge.outcome", "REJECTED");
            return refused(record, event, e.getMessage());
        } finally {
            decision.end();
        }
        if (!alreadyApplied) {
            em.persist(new ProcessedEvent(event.key()));
        }
        if (step.result() == Outcome.WRITTEN || step.result() == Outcome.NO_CHANGE) {
            record.settled(step.result() == Outcome.WRITTEN);
        }
        coalescing.processed(event);
        SyncHistoryEntry entry =
                history(
                        record,
                        event,
                        switch (step.result()) {
                            case WRITTEN -> "Succeeded";
                            case NO_CHANGE -> "NoChange";
                            default -> "Skipped";
                        },
                        step.detail());
        if (step.changes() != null) {
            entry.mapped(step.mappingVersion(), step.changes().toString());
        }
        entry.logged(before.event(record, step.result()));
        if (before.differs(record) || entry.event() != null) {
            writeback.request(record);
        }
        return step.result();
    }

    /**
     * What of a record is written back to D365, and what makes an event of its D365 history; a
     * change of it asks for a write-back.
     */
    private record Snapshot(
            SyncStatus status,
            Instant lastSyncedAt,
            boolean optedOut,
            boolean blanked,
            boolean syncEnabled) {
        Snapshot(SyncRecord r) {
            this(r.status(), r.lastSyncedAt(), r.optedOut(), r.blanked(), r.syncEnabled());
        }

        /** The event the change made of the record (opt-outs are the consent ledger's). */
        SyncEvent event(SyncRecord r, Outcome result) {
            if (!blanked && r.blanked()) {
                return SyncEvent.BLANKED;
            }
            if (blanked && !r.blanked()) {
                return SyncEvent.RESTORED;
            }
            if (syncEnabled && !r.syncEnabled()) {
                return SyncEvent.DISABLED;
            }
            return result == Outcome.WRITTEN ? SyncEvent.SYNCED : null;
        }

        boolean differs(SyncRecord r) {
            return status != r.status()
                    || !Objects.equals(lastSyncedAt, r.lastSyncedAt())
                    || optedOut != r.optedOut();
        }
    }

    /** The record's values as a change carries them, or as Dataverse holds them now. */
    private record Columns(RecordRow row, boolean current) {

        static Columns ofEvent(ChangeEvent event) {
            return new Columns(new RecordRow(event.attributes()), false);
        }

        static Columns ofDataverse(RecordRow row) {
            return new Columns(row, true);
        }

        Map<String, JsonValue> values() {
            return row.columns();
        }

        SyncDecision.Values decisive() {
            return new SyncDecision.Values(row.state(), row.syncEnabled());
        }
    }

    private Step decide(ChangeEvent event, SyncRecord record, boolean alreadyApplied) {
        if (record.erased()) {
            if (event.operation() != Operation.RESYNC) {
                return new Step(
                        Outcome.SKIPPED,
                        "erased on request at "
                                + record.erasedAt()
                                + ": its changes are not synced (a resync, POST /api/records/"
                                + record.entity()
                                + "/"
                                + record.recordId()
                                + "/resync, syncs it again)");
            }
            // someone asked for it to be synced again
            record.unerased();
        }
        Columns columns = Columns.ofEvent(event);
        SyncDecision.Change change =
                new SyncDecision.Change(
                        event.operation(),
                        event.version(),
                        event.complete(),
                        event.state(),
                        alreadyApplied,
                        coalescing.newerThan(event, record.queuedVersion()).orElse(null),
                        columns.decisive(),
                        "Create".equals(event.message()) || "Restore".equals(event.message()));
        return carryOut(SyncDecision.ofEvent(facts(record), change), record, columns, event);
    }

    /** Does what the decision says; the change's version becomes the record's when it moves. */
    private Step carryOut(
            SyncDecision.Decision decision, SyncRecord record, Columns columns, ChangeEvent event) {
        Step step = act(decision, record, columns, event);
        if (decision.movesVersion()) {
            record.applied(version(columns, event));
        }
        return step;
    }

    private Step act(
            SyncDecision.Decision decision, SyncRecord record, Columns columns, ChangeEvent event) {
        return switch (decision.action()) {
            case SKIP -> new Step(Outcome.SKIPPED, decision.reason());
            case READ -> read(record, event);
            case REVIVE -> {
                record.revived();
                yield read(record, event);
            }
            case RESYNC -> resync(event, record);
            case TOMBSTONE -> {
                Step step = blank(record, decision.reason(), false);
                record.tombstone();
                // deleted in D365: its personal values go from Spotbridge too, Spotler contact
                // or not; in a batch, once the batch has written everything of it
                List<JsonValue> carried = List.copyOf(event.attributes().values());
                if (transaction.getResource(PENDING) != null) {
                    @SuppressWarnings("unchecked")
                    List<Deleted> deleted = (List<Deleted>) transaction.getResource(ERASE);
                    if (deleted == null) {
                        deleted = new ArrayList<>();
                        transaction.putResource(ERASE, deleted);
                    }
                    deleted.add(new Deleted(record, carried));
                } else {
                    erased(record, carried);
                }
                yield step;
            }
            case BLANK -> blank(record, decision.reason(), true);
            case DISABLE -> {
                record.syncEnabled(false);
                yield new Step(Outcome.NO_CHANGE, decision.reason());
            }
            case ENABLE -> {
                record.syncEnabled(true);
                Columns all =
                        columns.current()
                                ? columns
                                : current(record).map(Columns::ofDataverse).orElse(columns);
                yield act(
                        SyncDecision.byState(
                                facts(record),
                                all.decisive().statecode(),
                                decision.scope(),
                                decision.reason()),
                        record,
                        all,
                        event);
            }
            case RESTORE ->
                    restore(
                            record,
                            columns.current()
                                    ? columns.values()
                                    : current(record)
                                            .map(RecordRow::columns)
                                            .orElse(columns.values()));
            case WRITE ->
                    upsert(
                            record,
                            columns.values(),
                            decision.scope() == SyncDecision.Scope.EVERYTHING,
                            decision.reason());
        };
    }

    /**
     * Reads the current record (the event carried only changed columns, or none) and decides on
     * that.
     */
    private Step read(SyncRecord record, ChangeEvent event) {
        Columns columns = current(record).map(Columns::ofDataverse).orElse(null);
        SyncDecision.Decision decision =
                SyncDecision.ofRead(
                        facts(record),
                        columns == null ? null : columns.decisive(),
                        columns == null ? null : version(columns, event));
        return carryOut(decision, record, columns, event);
    }

    /** The version of the values: Dataverse's modifiedon of a record read now, else the event's. */
    private static Instant version(Columns columns, ChangeEvent event) {
        return columns != null && columns.current()
                ? columns.row().modifiedOn().orElse(event.version())
                : event.version();
    }

    /**
     * A resync: clears a Spotler opt-out once the address is active there again, then a full sync.
     */
    private Step resync(ChangeEvent event, SyncRecord record) {
        if (record.optedOut()) {
            Optional<SpotlerContact> contact = spotler.find(record.recordId());
            if (contact.isPresent() && contact.get().optedOut()) {
                return new Step(
                        Outcome.SKIPPED,
                        "still opted out in Spotler: re-activate the address there, then resync");
            }
            optOuts.reactivated(record, event.key());
        }
        // a resync is how a user says the contact is active again in Spotler (reactivated there
        // after a bounce): the next bounce is news again and gets its task
        record.bounceState(null);
        if (!record.syncEnabled()) {
            return new Step(Outcome.SKIPPED, SyncDecision.whyNot(facts(record)));
        }
        Optional<RecordRow> current = current(record);
        if (current.isEmpty()) {
            return new Step(Outcome.SKIPPED, "no longer in Dataverse; nothing to sync");
        }
        Columns columns = Columns.ofDataverse(current.get());
        record.applied(current.get().modifiedOn().orElse(null));
        return act(
                SyncDecision.byState(
                        facts(record),
                        columns.decisive().statecode(),
                        SyncDecision.Scope.EVERYTHING,
                        "resync requested"),
                record,
                columns,
                event);
    }

    /** What the decision needs of the record's sync state. */
    private static SyncDecision.Record facts(SyncRecord record) {
        return new SyncDecision.Record(
                record.deleted(),
                record.blanked(),
                record.syncEnabled(),
                record.optedOut(),
                record.appliedVersion());
    }

    private Step upsert(
            SyncRecord record, Map<String, JsonValue> columns, boolean full, String why) {
        ActiveMapping.Versioned inForce = mapping.current();
        Map<String, JsonValue> mapped =
                properties.writable(inForce.mapping().apply(record.entity(), columns));
        Map<String, JsonValue> before = full ? Map.of() : record.writtenProperties();
        Map<String, JsonValue> after = new LinkedHashMap<>(before);
        Map<String, JsonValue> request = new LinkedHashMap<>();
        Set<String> changed = new LinkedHashSet<>();
        mapped.forEach(
                (property, value) -> {
                    JsonValue previous = before.get(property);
                    if (value.getValueType() == JsonValue.ValueType.NULL) {
                        if (previous != null) {
                            request.put(property, JsonValue.NULL);
                            after.remove(property);
                            changed.add(property);
                        }
                    } else {
                        request.put(property, value);
                        after.put(property, value);
                        if (!value.equals(previous)) {
                            changed.add(property);
                        }
                    }
                });
        boolean created = !record.inSpotler();
        Map<Long, Boolean> bits =
                permissions.forWrite(
                        record, new RecordRow(columns).doNotBulkEmail(), full || created);
        Map<Long, Boolean> written = record.writtenPermissions();
        boolean bitsChange =
                bits.entrySet().stream()
                        .anyMatch(e -> !e.getValue().equals(written.get(e.getKey())));
        if (changed.isEmpty() && !bitsChange && !created && !full) {
            if (optOutCheck.due(record) && optOutCheck.optedOut(record)) {
                return new Step(
                        Outcome.WRITTEN,
                        optOuts.optedOut(
                                record,
                                "mapped values unchanged; Spotler's status read (the last known"
                                        + " state was older than the hourly pull's window)",
                                null));
            }
            return new Step(
                    Outcome.NO_CHANGE,
                    "mapped values unchanged; no Spotler write",
                    JsonValue.EMPTY_JSON_OBJECT,
                    inForce.version());
        }
        boolean subscribed = write(record, request, bits, created);
        record.written(after);
        record.permissionsWritten(bits);
        if (created) {
            permissionRows.ensureRows(record, false);
        }
        String detail =
                (why == null ? "" : why + "; ")
                        + (created ? "created in Spotler" : "updated in Spotler")
                        + "; changed: "
                        + (changed.isEmpty() ? "(none)" : String.join(", ", changed))
                        + (bits.isEmpty() ? "" : "; permissions " + permissionBits.describe(bits));
        if (!subscribed) {
            return optedOutInSpotler(record, detail);
        }
        return new Step(
                Outcome.WRITTEN,
                detail,
                SyncHistoryEntry.changes(before, after, changed),
                inForce.version());
    }

    /**
     * Reactivation: the contact was blanked, so everything is written again, permissions as they
     * were.
     */
    private Step restore(SyncRecord record, Map<String, JsonValue> columns) {
        ActiveMapping.Versioned inForce = mapping.current();
        Map<String, JsonValue> mapped =
                properties.writable(inForce.mapping().apply(record.entity(), columns));
        Map<String, JsonValue> request = new LinkedHashMap<>();
        mapped.forEach(
                (property, value) -> {
                    if (value.getValueType() != JsonValue.ValueType.NULL) {
                        request.put(property, value);
                    }
                });
        Map<Long, Boolean> saved = record.savedPermissions();
        if (record.bulkEmailOptOut()
                || Boolean.TRUE.equals(new RecordRow(columns).doNotBulkEmail())) {
            saved.replaceAll((bit, on) -> false);
        }
        boolean subscribed = write(record, request, saved, !record.inSpotler());
        record.written(request);
        record.permissionsWritten(saved);
        record.restored();
        String detail =
                "reactivated in D365: data restored ("
                        + String.join(", ", request.keySet())
                        + ") and "
                        + saved.values().stream().filter(b -> b).count()
                        + " permission(s) restored";
        return subscribed
                ? new Step(
                        Outcome.WRITTEN,
                        detail,
                        SyncHistoryEntry.changes(Map.of(), request, request.keySet()),
                        inForce.version())
                : optedOutInSpotler(record, detail);
    }

    /** A deleted record's personal values leave Spotbridge, with a line in its history. */
    private void erased(SyncRecord record, List<JsonValue> carried) {
        Erasure.Erased erased = erasure.erase(record, carried, false);
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "Erasure",
                        "Succeeded",
                        "deleted in D365: personal values erased from Spotbridge: "
                                + erased.describe(),
                        null));
    }

    /**
     * @param purgeChanges whether the values of the record's history go here (a deactivation); a
     *     deleted record's go by the Erasure that follows, which keeps which properties changed
     */
    private Step blank(SyncRecord record, String why, boolean purgeChanges) {
        if (record.blanked()) {
            return new Step(Outcome.NO_CHANGE, why + "; the Spotler contact is already blank");
        }
        sendPending(record.recordId());
        Optional<SpotlerContact> current = spotler.find(record.recordId());
        if (current.isEmpty()) {
            record.blanked(Map.of());
            return new Step(
                    Outcome.NO_CHANGE, why + "; Spotler has no such contact, nothing to blank");
        }
        Set<Long> bits = new LinkedHashSet<>(permissionBits.all());
        bits.addAll(current.get().permissions().keySet());
        spotler.blank(record.recordId(), List.copyOf(bits));
        record.blanked(current.get().permissions());
        if (purgeChanges) {
            // the personal data is gone from Spotler: its values go from the record's history too
            em.createQuery(
                            "update SyncHistoryEntry h set h.changes = null where h.recordKey = :key")
                    .setParameter("key", record.key())
                    .executeUpdate();
        }
        return new Step(
                Outcome.WRITTEN,
                why
                        + "; Spotler contact blanked: personal data purged, "
                        + bits.size()
                        + " permission bit(s) off");
    }

    /** The contact turned out to be opted out in Spotler on a write. */
    private Step optedOutInSpotler(SyncRecord record, String detail) {
        return new Step(
                Outcome.WRITTEN,
                optOuts.optedOut(record, detail + "; Spotler answered CONTACT_OPTOUT", null));
    }

    /** The record's mapped and decisive columns as Dataverse holds them now. */
    private Optional<RecordRow> current(SyncRecord record) {
        return dataverse.row(
                record.entity(), record.recordId(), mapping.get().selectColumns(record.entity()));
    }

    private SyncHistoryEntry history(
            SyncRecord record, ChangeEvent event, String outcome, String detail) {
        SyncHistoryEntry entry =
                new SyncHistoryEntry(record.key(), event.message(), outcome, detail, event.key());
        em.persist(entry);
        return entry;
    }
}
