package dev.spotbridge.backsync;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A job's run under its run lock: at most one run at a time across nodes, and a scheduled firing
 * (its slot) run at most once in total. The run's outcome and result are recorded when it ends, a
 * failed one too ("lastRuns" of the overview).
 */
public final class LockedRun {

    private LockedRun() {}

    /**
     * @param slot the minute a schedule fired for, or null for a run started by hand
     * @param what the run's name in the answer when another run holds the lock
     * @param work the run; its result's "outcome" (default Succeeded) is what is recorded
     * @return the run's result, or {"ran": false, "reason": …} when it did not run
     */
    public static JsonObject run(
            RunLocks locks, String job, Instant slot, String what, Supplier<JsonObject> work) {
        Optional<String> holder = locks.take(job, slot);
        if (holder.isEmpty()) {
            return Json.createObjectBuilder()
                    .add("ran", false)
                    .add(
                            "reason",
                            slot != null
                                    ? "another node ran or runs the slot " + slot
                                    : "another "
                                            + what
                                            + " holds the lock until "
                                            + locks.heldUntil(job))
                    .build();
        }
        Instant started = Instant.now();
        String outcome = "Failed";
        String detail = null;
        try {
            JsonObject result = work.get();
            outcome = result.getString("outcome", "Succeeded");
            detail = result.toString();
            return result;
        } catch (RuntimeException e) {
            detail = e.toString();
            throw e;
        } finally {
            locks.release(job, holder.get(), started, outcome, detail);
        }
    }
}
