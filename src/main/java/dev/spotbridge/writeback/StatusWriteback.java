package dev.spotbridge.writeback;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.dataverse.StatusUpdate;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Brings D365 records up to date with their sb_syncstatus, sb_lastsyncedon and (after a Spotler
 * opt-out) donotbulkemail, writing only what differs from the last write-back: the records of one
 * batch of write-back requests go to Dataverse as PATCHes (If-Match: *) in one $batch, each its own
 * part. The echo of that PATCH reaches Spotbridge as an Update whose mapped values did not change:
 * no Spotler write, no status change, so no further write-back — the loop ends after one echo.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class StatusWriteback {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

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
        List<Pending> pending = new ArrayList<>();
        for (String key : new LinkedHashSet<>(recordKeys)) {
            pendingOf(key).ifPresent(pending::add);
        }
        Map<String, String> refused = new LinkedHashMap<>();
        for (int from = 0; from < pending.size(); from += MAX_BATCH) {
            List<Pending> part = pending.subList(from, Math.min(pending.size(), from + MAX_BATCH));
            List<Integer> statuses =
                    dataverse.batch(part.stream().map(p -> p.update().operation()).toList());
            for (int i = 0; i < part.size(); i++) {
                int status = statuses.get(i);
                Pending p = part.get(i);
                if (status == 429 || status >= 500) {
                    throw new DataverseUnavailableException(
                            "$batch: the write-back PATCH of "
                                    + p.record().key()
                                    + " answered "
                                    + status
                                    + "; the batch is tried again");
                }
                if (status >= 400 && status != 404) {
                    refused.put(p.record().key(), "Dataverse answered " + status);
                    em.persist(
                            new SyncHistoryEntry(
                                    p.record().key(),
                                    "WriteBack",
                                    "Failed",
                                    "Dataverse refused the PATCH of "
                                            + p.update().columnNames()
                                            + " ("
                                            + status
                                            + "); the request is in the dead-letter queue",
                                    null));
                    continue;
                }
                written(p, status != 404);
            }
        }
        return refused;
    }

    /**
     * {@link #apply} in a transaction of its own: a batch a request limit had no room for leaves
     * nothing behind, and the caller's transaction can still put its requests off.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Map<String, String> applyInOwnTransaction(Collection<String> recordKeys) {
        return apply(recordKeys);
    }

    private record Pending(SyncRecord record, WritebackState state, StatusUpdate update) {}

    private Optional<Pending> pendingOf(String recordKey) {
        SyncRecord record = em.find(SyncRecord.class, recordKey);
        if (record == null) {
            return Optional.empty();
        }
        WritebackState state = em.find(WritebackState.class, recordKey);
        if (state == null) {
            state = new WritebackState(recordKey);
            em.persist(state);
        }
        String status = record.status().name();
        StatusUpdate update =
                new StatusUpdate(
                        record.entity(),
                        record.recordId(),
                        status.equals(state.status()) ? null : optionValue(status),
                        record.lastSyncedAt() != null
                                        && !Objects.equals(record.lastSyncedAt(), state.syncedAt())
                                ? record.lastSyncedAt()
                                : null,
                        record.optedOut() && !state.optOutWritten());
        return update.isEmpty()
                ? Optional.empty()
                : Optional.of(new Pending(record, state, update));
    }

    private void written(Pending p, boolean exists) {
        SyncRecord record = p.record();
        p.state().written(record.status().name(), record.lastSyncedAt(), record.optedOut());
        em.persist(
                new SyncHistoryEntry(
                        record.key(),
                        "WriteBack",
                        exists ? "Succeeded" : "Skipped",
                        exists
                                ? "D365 record updated: " + p.update().columnNames()
                                : "the record is no longer in Dataverse; nothing written back",
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
