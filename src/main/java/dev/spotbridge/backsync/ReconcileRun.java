package dev.spotbridge.backsync;

import dev.spotbridge.backsync.Reconciler.Finding;
import dev.spotbridge.json.Json;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Drift reconciliation: every synced, active record is compared with Spotler (one record per
 * transaction); drift is reported in the record's history and repaired — D365 wins for mapped
 * fields — up to spotbridge.reconcile.max-repairs per run; beyond that it is only reported. One run
 * at a time across nodes (run lock).
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class ReconcileRun {

    static final String LOCK = "reconcile";

    @Inject Reconciler reconciler;

    @Inject RunLocks locks;

    @Inject Runs runs;

    @Inject
    @ConfigProperty(name = "spotbridge.reconcile.max-repairs", defaultValue = "500")
    int maxRepairs;

    @Inject
    @ConfigProperty(name = "spotbridge.reconcile.max-records", defaultValue = "100000")
    int maxRecords;

    @Lock(LockType.READ)
    public JsonObject run() {
        return run(null);
    }

    /**
     * @param slot the minute a schedule fired for (claimed once over all nodes), or null for a run
     *     started by hand
     */
    @Lock(LockType.READ)
    public JsonObject run(Instant slot) {
        return LockedRun.run(
                new LockedRun.Job(locks, runs, LOCK, Runs.RECONCILE, "reconciliation"),
                slot,
                this::reconcile);
    }

    private JsonObject reconcile(RunTracker tracker) {
        String run =
                Instant.now().toString().substring(0, 19)
                        + "/"
                        + UUID.randomUUID().toString().substring(0, 8);
        Map<Finding, Integer> counts = new EnumMap<>(Finding.class);
        for (Finding f : Finding.values()) {
            counts.put(f, 0);
        }
        tracker.phase("reading the synced records");
        java.util.List<String> candidates = reconciler.candidates(maxRecords);
        tracker.total(candidates.size(), false);
        tracker.phase("comparing with Spotler");
        for (String key : candidates) {
            boolean repair = counts.get(Finding.REPAIRED) < maxRepairs;
            counts.merge(reconciler.check(key, repair, run), 1, Integer::sum);
            tracker.add(1, 0);
        }
        int checked = counts.values().stream().mapToInt(Integer::intValue).sum();
        JsonObject result =
                Json.createObjectBuilder()
                        .add("ran", true)
                        .add("run", run)
                        .add("checked", checked)
                        .add("inSync", counts.get(Finding.IN_SYNC))
                        .add("drifted", counts.get(Finding.DRIFTED) + counts.get(Finding.REPAIRED))
                        .add("repaired", counts.get(Finding.REPAIRED))
                        .add("notRepaired", counts.get(Finding.DRIFTED))
                        .add("skipped", counts.get(Finding.SKIPPED))
                        .add("maxRepairs", maxRepairs)
                        .build();
        return result;
    }
}
