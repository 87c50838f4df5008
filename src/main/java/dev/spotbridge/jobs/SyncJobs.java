package dev.spotbridge.jobs;

import static dev.spotbridge.dataverse.SyncJobRow.Status.FAILED;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.dataverse.SyncJobRow.Status;
import dev.spotbridge.jobs.JobWork.Done;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.EventHandler;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvents;
import dev.spotbridge.spotler.SpotlerRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/**
 * Runs an sb_syncjob. The job is marked Running, the work done ({@link JobWork}, in its own
 * transaction), and its sb_status (Succeeded, PartlySucceeded, Failed) and a readable sb_result
 * (counts, then every failure with its reason) written back. A job that cannot start (no list, no
 * customer, no campaign code) or that Spotler or Dataverse refuse for good fails with the reason at
 * once; an outage of Spotler or Dataverse rolls back and is retried like any queued work, and the
 * last attempt the broker allows ends the job Failed ({@code SyncFailures}).
 */
@ApplicationScoped
@Transactional
public class SyncJobs implements EventHandler {

    @Inject DataverseGateway dataverse;

    @Inject ProcessedEvents ledger;

    @Inject JobWork work;

    @Override
    public boolean handles(ChangeEvent event) {
        return event.operation() == ChangeEvent.Operation.JOB;
    }

    @Override
    public Outcome apply(ChangeEvent event) {
        if (ledger.seen(event.key())) {
            return Outcome.SKIPPED;
        }
        String jobId = event.recordId();
        SyncJobRow job =
                event.complete()
                        ? SyncJobRow.of(event.attributes())
                        : dataverse.syncJob(jobId, event.attributes());
        dataverse.syncJobStatus(jobId, Status.RUNNING, null);
        Done done;
        try {
            done = work.run(jobId, job);
        } catch (SpotlerRejectedException | DataverseRejectedException e) {
            // refused for good (the feature not in the account's edition, a campaign that does
            // not exist, a list that is gone): the job ends now, not after the redeliveries
            done = new Done(FAILED, "refused for good, the job stopped: " + e.getMessage());
        }
        dataverse.syncJobStatus(jobId, done.status(), done.result());
        ledger.history(
                SyncJobRow.TABLE + ":" + jobId,
                "Job",
                switch (done.status()) {
                    case FAILED -> "Failed";
                    case PARTLY_SUCCEEDED -> "PartlySucceeded";
                    case RUNNING -> "Started";
                    case SUCCEEDED -> "Succeeded";
                },
                done.result(),
                event.key());
        ledger.remember(event.key());
        return Outcome.WRITTEN;
    }
}
