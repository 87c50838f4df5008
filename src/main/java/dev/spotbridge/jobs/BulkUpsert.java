package dev.spotbridge.jobs;

import dev.spotbridge.consent.OptOutCheck;
import dev.spotbridge.consent.PermissionSync;
import dev.spotbridge.consent.SpotlerOptOuts;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.mapping.ActiveMapping;
import dev.spotbridge.queue.SyncBacklog;
import dev.spotbridge.records.SyncEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.PermissionBits;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerGateway.ContactResult;
import dev.spotbridge.spotler.SpotlerGateway.ContactWrite;
import dev.spotbridge.spotler.SpotlerProperties;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * Brings many records into Spotler at once (list members, campaign targets): consent first — a
 * record that is opted out, disabled, inactive or does not allow bulk email is left out — then the
 * mapped values of those that are new or changed, in batches of at most 100 per POST /contact/list.
 * A dry run decides the same and writes nothing.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class BulkUpsert {

    /**
     * Who can be in Spotler lists and campaigns, who was left out and why, what was (or would be)
     * written.
     */
    public record Report(
            Set<String> eligible,
            Map<String, String> excluded,
            List<String> created,
            List<String> changed,
            int batches,
            Set<String> noBulkEmail) {}

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SpotlerGateway spotler;

    @Inject ActiveMapping mapping;

    @Inject SyncRecords records;

    @Inject SpotlerOptOuts optOuts;

    @Inject PermissionBits permissionBits;

    @Inject WritebackQueue writeback;

    @Inject PermissionSync permissions;

    @Inject SpotlerProperties properties;

    @Inject OptOutCheck optOutCheck;

    @Inject SyncBacklog backlog;

    @Resource ManagedExecutorService executor;

    /**
     * The mapped columns of a table as the Web API selects them, which the rows given to {@link
     * #upsert} must carry.
     */
    public List<String> mappedColumns(String entity) {
        return List.copyOf(mapping.get().selectColumns(entity));
    }

    /**
     * For lists: bulk mail, so a record that does not allow it is left out; members with nothing to
     * write are checked for an opt-out in Spotler since their last known state (§2.7.2).
     */
    public Report upsert(String entity, List<RecordRow> rows, boolean dryRun) {
        return upsert(entity, rows, dryRun, false, true);
    }

    /** For a backfill: like a list, without the opt-out check (the hourly pull finds those). */
    public Report backfill(String entity, List<RecordRow> rows) {
        return upsert(entity, rows, false, false, false);
    }

    /**
     * For direct mail (campaign jobs): see {@link #upsert(String, List, boolean, boolean,
     * boolean)}.
     */
    public Report upsert(String entity, List<RecordRow> rows, boolean dryRun, boolean direct) {
        return upsert(entity, rows, dryRun, direct, true);
    }

    /**
     * @param direct for direct mail (a campaign trigger, §2.7.1 of the manual): a record that does
     *     not allow bulk email is eligible all the same, written with every permission off, and
     *     named in {@link Report#noBulkEmail()}
     * @param checkOptOuts whether members with nothing to write are checked for an opt-out
     */
    public Report upsert(
            String entity,
            List<RecordRow> rows,
            boolean dryRun,
            boolean direct,
            boolean checkOptOuts) {
        return upsert(entity, rows, dryRun, direct, checkOptOuts, n -> {});
    }

    /**
     * @param progress told how many of the rows are through: those with nothing to write at once,
     *     the others batch by batch as Spotler took them (a run's progress)
     */
    public Report upsert(
            String entity,
            List<RecordRow> rows,
            boolean dryRun,
            boolean direct,
            boolean checkOptOuts,
            IntConsumer progress) {
        Set<String> eligible = new LinkedHashSet<>();
        Set<String> noBulkEmail = new LinkedHashSet<>();
        Map<String, String> excluded = new LinkedHashMap<>();
        List<String> created = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<ContactWrite> writes = new ArrayList<>();
        Map<String, Map<String, JsonValue>> snapshots = new LinkedHashMap<>();
        ActiveMapping.Versioned inForce = mapping.current();
        Map<String, SyncRecord> known =
                records.load(
                        entity,
                        rows.stream()
                                .map(r -> r.id(entity).orElse(null))
                                .filter(Objects::nonNull)
                                .toList());
        for (RecordRow row : rows) {
            String id = row.id(entity).orElse(null);
            if (id == null) {
                continue;
            }
            SyncRecord record = known.get(SyncRecord.key(entity, id));
            boolean noBulk = Boolean.TRUE.equals(row.doNotBulkEmail());
            String reason = leftOut(record, row, direct);
            if (reason != null) {
                excluded.put(id, reason);
                continue;
            }
            Map<String, JsonValue> mapped =
                    properties.writable(inForce.mapping().apply(entity, row.columns()));
            Map<String, JsonValue> after =
                    new LinkedHashMap<>(record == null ? Map.of() : record.writtenProperties());
            Map<String, JsonValue> request = new LinkedHashMap<>();
            boolean differs = false;
            for (Map.Entry<String, JsonValue> e : mapped.entrySet()) {
                JsonValue previous = after.get(e.getKey());
                if (e.getValue().getValueType() == JsonValue.ValueType.NULL) {
                    if (previous != null) {
                        request.put(e.getKey(), JsonValue.NULL);
                        after.remove(e.getKey());
                        differs = true;
                    }
                } else {
                    request.put(e.getKey(), e.getValue());
                    differs |= !e.getValue().equals(previous);
                    after.put(e.getKey(), e.getValue());
                }
            }
            boolean isNew = record == null || !record.inSpotler();
            eligible.add(id);
            if (noBulk) {
                noBulkEmail.add(id);
            }
            if (isNew || differs) {
                (isNew ? created : changed).add(id);
                writes.add(new ContactWrite(id, request, isNew, noBulk ? allOff() : Map.of()));
                snapshots.put(id, after);
            }
        }
        if (!dryRun && checkOptOuts) {
            // members with nothing to write: an opt-out since their last known Spotler state
            // would go unnoticed (§2.7.2)
            List<SyncRecord> unchanged = new ArrayList<>();
            for (String id : eligible) {
                if (!snapshots.containsKey(id)) {
                    SyncRecord record = known.get(SyncRecord.key(entity, id));
                    if (record != null) {
                        unchanged.add(record);
                    }
                }
            }
            for (String id : optOutCheck.optedOut(unchanged)) {
                eligible.remove(id);
                noBulkEmail.remove(id);
                excluded.put(id, "opted out in Spotler");
                writeback.request(em.find(SyncRecord.class, SyncRecord.key(entity, id)));
            }
        }
        int batches = 0;
        progress.accept(rows.size() - (dryRun ? 0 : writes.size()));
        if (!dryRun) {
            // the next batch's Spotler call is under way while the results of the one before are
            // recorded here: the two take turns on the CPU otherwise
            Deque<Sent> inFlight = new ArrayDeque<>();
            try {
                int next = 0;
                while (next < writes.size() || !inFlight.isEmpty()) {
                    if (next < writes.size() && inFlight.size() < CALLS_IN_FLIGHT) {
                        List<ContactWrite> batch =
                                withPermissions(
                                        entity,
                                        writes.subList(next, Math.min(writes.size(), next + 100)));
                        inFlight.add(
                                new Sent(
                                        batch,
                                        // the call's span belongs to the work's trace
                                        executor.submit(
                                                io.opentelemetry.context.Context.current()
                                                        .wrap(() -> spotler.upsertAll(batch)))));
                        // the status write-back of what this sends waits until the work is done
                        backlog.busy();
                        next += 100;
                        batches++;
                    } else {
                        Sent sent = inFlight.poll();
                        record(
                                entity,
                                known,
                                sent,
                                inForce.version(),
                                snapshots,
                                eligible,
                                excluded,
                                noBulkEmail);
                        progress.accept(sent.batch().size());
                    }
                }
            } finally {
                // a failure rolls the page back: no call of it may still be running then
                inFlight.forEach(Sent::awaitQuietly);
            }
        }
        return new Report(eligible, excluded, created, changed, batches, noBulkEmail);
    }

    /** Spotler calls of one page under way at once. */
    private static final int CALLS_IN_FLIGHT = 2;

    /** A batch whose Spotler call is under way. */
    private record Sent(List<ContactWrite> batch, Future<List<ContactResult>> results) {
        List<ContactResult> await() {
            try {
                return results.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Spotler was being written", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        void awaitQuietly() {
            try {
                results.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // the failure that matters is the one already thrown
            }
        }
    }

    /** The outcome of one batch's Spotler call, recorded on its records. */
    private void record(
            String entity,
            Map<String, SyncRecord> known,
            Sent sent,
            int mappingVersion,
            Map<String, Map<String, JsonValue>> snapshots,
            Set<String> eligible,
            Map<String, String> excluded,
            Set<String> noBulkEmail) {
        List<ContactResult> results = sent.await();
        List<ContactWrite> batch = sent.batch();
        for (int k = 0; k < batch.size(); k++) {
            ContactWrite write = batch.get(k);
            ContactResult result =
                    k < results.size()
                            ? results.get(k)
                            : new ContactResult(write.externalId(), "OK", "");
            applied(
                    entity,
                    known,
                    write,
                    mappingVersion,
                    result,
                    snapshots.get(write.externalId()),
                    eligible,
                    excluded,
                    noBulkEmail);
        }
    }

    /** Every permission off: what a record that does not allow bulk email has in Spotler. */
    private Map<Long, Boolean> allOff() {
        Map<Long, Boolean> off = new LinkedHashMap<>();
        permissionBits.all().forEach(bit -> off.put(bit, false));
        return off;
    }

    /**
     * The contacts of a batch that Spotler does not have yet carry the permissions of their
     * sb_permission rows, as a first sync by webhook does (one Dataverse query for the batch);
     * contacts already in Spotler keep theirs, which their permission rows' own events maintain.
     */
    private List<ContactWrite> withPermissions(String entity, List<ContactWrite> batch) {
        Map<String, Map<Long, Boolean>> bits =
                permissions.fromDataverse(
                        entity,
                        batch.stream()
                                .filter(w -> w.created() && w.permissions().isEmpty())
                                .map(ContactWrite::externalId)
                                .toList());
        return batch.stream()
                .map(
                        w ->
                                bits.containsKey(w.externalId()) && w.permissions().isEmpty()
                                        ? new ContactWrite(
                                                w.externalId(),
                                                w.properties(),
                                                w.created(),
                                                bits.get(w.externalId()))
                                        : w)
                .toList();
    }

    private void applied(
            String entity,
            Map<String, SyncRecord> known,
            ContactWrite write,
            int mappingVersion,
            ContactResult result,
            Map<String, JsonValue> after,
            Set<String> eligible,
            Map<String, String> excluded,
            Set<String> noBulkEmail) {
        String id = write.externalId();
        SyncRecord record = known.get(SyncRecord.key(entity, id));
        if (record == null) {
            // not there when the page was read: new (persisted without reading it again)
            record = new SyncRecord(entity, id);
            em.persist(record);
            known.put(record.key(), record);
        }
        switch (result.code()) {
            case "OK" -> {
                Map<String, JsonValue> before = record.writtenProperties();
                Set<String> changed = new LinkedHashSet<>(after.keySet());
                changed.addAll(before.keySet());
                changed.removeIf(p -> Objects.equals(before.get(p), after.get(p)));
                record.written(after);
                if (!write.permissions().isEmpty()) {
                    record.permissionsWritten(write.permissions());
                }
                if (noBulkEmail.contains(id)) {
                    // written for direct mail while it does not allow bulk email
                    record.bulkEmailOptOut(true);
                }
                if (write.created()) {
                    // its rows were read with the batch (withPermissions)
                    permissions.ensureRows(record, true);
                }
                record.settled(true);
                em.persist(
                        new SyncHistoryEntry(
                                        record.key(),
                                        "BulkUpsert",
                                        "Succeeded",
                                        "written to Spotler in a batch (POST /contact/list)"
                                                + (write.permissions().isEmpty()
                                                        ? ""
                                                        : "; permissions "
                                                                + permissionBits.describe(
                                                                        write.permissions())),
                                        null)
                                .mapped(
                                        mappingVersion,
                                        SyncHistoryEntry.changes(before, after, changed).toString())
                                .logged(SyncEvent.SYNCED));
            }
            case "CONTACT_OPTOUT" -> {
                eligible.remove(id);
                noBulkEmail.remove(id);
                excluded.put(id, "opted out in Spotler");
                String detail =
                        optOuts.optedOut(record, "found by a batch write (CONTACT_OPTOUT)", null);
                em.persist(
                        new SyncHistoryEntry(
                                record.key(), "BulkUpsert", "Succeeded", detail, null));
            }
            default -> {
                eligible.remove(id);
                noBulkEmail.remove(id);
                excluded.put(
                        id,
                        "Spotler refused the contact: " + result.code() + " " + result.message());
                record.failed(
                        "Spotler refused the contact: " + result.code() + " " + result.message(),
                        true);
                em.persist(
                        new SyncHistoryEntry(
                                        record.key(),
                                        "BulkUpsert",
                                        "Failed",
                                        "Spotler refused the contact: "
                                                + result.code()
                                                + " "
                                                + result.message(),
                                        null)
                                .logged(SyncEvent.FAILED));
            }
        }
        writeback.request(record);
    }

    /** Why a record stays out of Spotler lists and campaigns; null when it may be in. */
    static String leftOut(SyncRecord record, RecordRow row) {
        return leftOut(record, row, false);
    }

    /**
     * @param direct direct mail: not allowing bulk email is no reason to leave a record out
     */
    static String leftOut(SyncRecord record, RecordRow row, boolean direct) {
        if (record != null && record.deleted()) {
            return "deleted in D365";
        }
        if (record != null && record.optedOut()) {
            return "opted out in Spotler";
        }
        if ((record != null && !record.syncEnabled()) || Boolean.FALSE.equals(row.syncEnabled())) {
            return "sync disabled";
        }
        if (!direct && Boolean.TRUE.equals(row.doNotBulkEmail())) {
            return "does not allow bulk email";
        }
        if (row.state() != null && row.state() != 0) {
            return "inactive in D365";
        }
        return null;
    }
}
