package dev.spotbridge.backsync;

import dev.spotbridge.http.Outage;
import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.runs.Run;
import dev.spotbridge.runs.RunStopped;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

/**
 * A job's run under its run lock: at most one run at a time across nodes, and a scheduled firing
 * (its slot) run at most once in total. The run's outcome and result are recorded when it ends, a
 * failed one too ("lastRuns" of the overview); while it runs, it reports on a run of {@link Runs}
 * (GET /api/runs). A run an outage stopped ends as {@link RunStopped}.
 */
public final class LockedRun {

    private LockedRun() {}

    /** The lock, the runs and what a run is called. */
    public record Job(RunLocks locks, Runs runs, String lock, String kind, String what) {}

    /**
     * @param slot the minute a schedule fired for, or null for a run started by hand
     * @param work the run, reporting on its tracker; its result's "outcome" (default Succeeded) is
     *     what is recorded
     * @return the run's result, or {"ran": false, "reason": …} when it did not run
     */
    public static JsonObject run(Job job, Instant slot, Function<RunTracker, JsonObject> work) {
        RunLocks locks = job.locks();
        Optional<String> holder = locks.take(job.lock(), slot);
        if (holder.isEmpty()) {
            return Json.createObjectBuilder()
                    .add("ran", false)
                    .add(
                            "reason",
                            slot != null
                                    ? "another node ran or runs the slot " + slot
                                    : "another "
                                            + job.what()
                                            + " holds the lock until "
                                            + locks.heldUntil(job.lock()))
                    .build();
        }
        Instant started = Instant.now();
        String outcome = "Failed";
        String detail = null;
        RunTracker tracker =
                job.runs()
                        .start(
                                job.kind(),
                                null,
                                slot != null ? "schedule (" + slot + ")" : "admin",
                                null);
        try {
            JsonObject result = work.apply(tracker);
            outcome = result.getString("outcome", "Succeeded");
            detail = result.toString();
            tracker.end(
                    Run.SUCCEEDED.equals(outcome) && tracker.failed() > 0
                            ? Run.PARTLY_SUCCEEDED
                            : outcome,
                    detail);
            return result;
        } catch (RuntimeException e) {
            detail = e.toString();
            tracker.failed(Redelivery.describe(e));
            throw Outage.in(e) && !(e instanceof RunStopped) ? new RunStopped(e) : e;
        } finally {
            locks.release(job.lock(), holder.get(), started, outcome, detail);
        }
    }
}
