package dev.spotbridge.runs;

/**
 * What a run's work holds while it goes: its counts, written to the run's row at most once a second
 * (and at the end), and the pause an operator asked for, read at most once a second. Not shared
 * between threads.
 */
public final class RunTracker {

    private static final long SECOND = 1_000_000_000L;

    private final Runs runs;
    private final long id;
    private long done;
    private long failed;
    private String phase;
    private long flushedAt = System.nanoTime();
    private long pauseReadAt = System.nanoTime();

    RunTracker(Runs runs, long id, long done, long failed) {
        this.runs = runs;
        this.id = id;
        this.done = done;
        this.failed = failed;
    }

    public long id() {
        return id;
    }

    public long done() {
        return done;
    }

    public long failed() {
        return failed;
    }

    /** How many items the run has in all (estimated: a best guess that the end corrects). */
    public void total(long total, boolean estimated) {
        runs.total(id, total, estimated);
    }

    /** What the run does now ("contact: page 3", "feed bounces"); written at once. */
    public void phase(String phase) {
        this.phase = phase;
        flush();
    }

    /** Items done and failed since the last call; written when a second has passed. */
    public void add(long done, long failed) {
        this.done += done;
        this.failed += failed;
        if (System.nanoTime() - flushedAt >= SECOND) {
            flush();
        }
    }

    /** The counts as they are now (work that keeps its own counts). */
    public void set(long done, long failed) {
        this.done = done;
        this.failed = failed;
        flush();
    }

    private void flush() {
        runs.progress(id, done, failed, phase);
        flushedAt = System.nanoTime();
    }

    /** Whether an operator asked the run to pause (read at most once a second). */
    public boolean pauseRequested() {
        if (System.nanoTime() - pauseReadAt < SECOND) {
            return false;
        }
        pauseReadAt = System.nanoTime();
        return runs.pauseRequested(id);
    }

    /** The work stopped between two steps, as asked: Paused, resumable. */
    public void paused(String where) {
        runs.paused(id, done, failed, where);
    }

    /** The work ended: Succeeded when nothing failed, else PartlySucceeded. */
    public void finished(String detail) {
        end(failed == 0 ? Run.SUCCEEDED : Run.PARTLY_SUCCEEDED, detail);
    }

    public void end(String outcome, String detail) {
        runs.finished(id, done, failed, outcome, detail);
    }

    /** The work stopped on a failure: Failed, with the reason. */
    public void failed(String why) {
        runs.finished(id, done, failed, Run.FAILED, why);
    }
}
