package dev.spotbridge.jobs;

import dev.spotbridge.runs.Resumable;
import dev.spotbridge.runs.Run;
import dev.spotbridge.runs.Runs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** A paused, failed or interrupted backfill goes on from its last finished page. */
@ApplicationScoped
public class BackfillResume implements Resumable {

    @Inject Backfills backfills;

    @Inject BackfillRunner runner;

    @Override
    public String kind() {
        return Runs.BACKFILL;
    }

    @Override
    public void resume(Run run, String by) {
        Backfill backfill =
                backfills
                        .ofRun(run.id())
                        .orElseThrow(
                                () -> new Runs.Refused("run " + run.id() + " has no backfill"));
        try {
            backfills.resume(backfill.id(), by);
        } catch (Backfills.Busy e) {
            throw new Runs.Refused(e.getMessage());
        }
        runner.run(backfill.id());
    }
}
