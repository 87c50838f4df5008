package dev.spotbridge.runs;

/**
 * Work of one kind that can go on after a pause or an interruption: POST /api/runs/{id}/resume
 * hands the run to the bean of its kind.
 */
public interface Resumable {

    /** The run kind this bean resumes ({@link Runs#BACKFILL}, {@link Runs#REPLAY}). */
    String kind();

    /**
     * Marks the run Running again ({@link Runs#resumed}) and goes on with its work in the
     * background.
     *
     * @param by who asked
     * @throws Runs.Refused when it cannot go on now (it runs, another run of its kind runs)
     */
    void resume(Run run, String by);
}
