package dev.spotbridge.jobs;

import static dev.spotbridge.dataverse.SyncJobRow.Status.FAILED;
import static dev.spotbridge.dataverse.SyncJobRow.Status.PARTLY_SUCCEEDED;
import static dev.spotbridge.dataverse.SyncJobRow.Status.RUNNING;
import static dev.spotbridge.dataverse.SyncJobRow.Status.SUCCEEDED;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.dataverse.SyncJobRow.Customer;
import dev.spotbridge.dataverse.SyncJobRow.Operation;
import dev.spotbridge.dataverse.SyncJobRow.Status;
import dev.spotbridge.lists.ListSync;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerGateway.Campaign;
import dev.spotbridge.spotler.SpotlerThrottledException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import dev.spotbridge.sync.ContactSync;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;

/**
 * The work of an sb_syncjob, in a transaction of its own: what it writes commits with it, and a
 * refusal for good rolls back only this work, so {@link SyncJobs} can still end the job Failed.
 */
@ApplicationScoped
public class JobWork {

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject ListSync lists;

    @Inject BulkUpsert bulk;

    @Inject ContactSync contactSync;

    @Inject Backfills backfills;

    @Inject BackfillRunner runner;

    @Inject CampaignLedger campaignLedger;

    @Inject Runs runs;

    /** How often a running campaign job shows its progress in sb_result. */
    private static final long PROGRESS_NANOS = 5_000_000_000L;

    /** The end of a job: its status and the text for sb_result. */
    record Done(Status status, String result) {}

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Done run(String jobId, SyncJobRow job) {
        return work(jobId, job);
    }

    private Done work(String jobId, SyncJobRow job) {
        Optional<String> listId = job.listId();
        Optional<Customer> customer = job.customer();
        String code = job.campaignCode();
        if (job.operation().isEmpty()) {
            return new Done(FAILED, "unknown sb_operation " + job.operationValue());
        }
        Operation operation = job.operation().get();
        switch (operation) {
            case SYNC_LIST -> {
                if (listId.isEmpty()) {
                    return new Done(FAILED, "SyncList needs a marketing list (sb_listid)");
                }
                try {
                    ListSync.Result result =
                            lists.sync(listId.get(), false, "D365 sync job " + jobId);
                    return new Done(SUCCEEDED, result.summary() + failures(result.excluded()));
                } catch (ListSync.NotSyncable e) {
                    return new Done(FAILED, e.getMessage());
                }
            }
            case SYNC_CONTACTS -> {
                if (customer.isEmpty() && listId.isPresent()) {
                    return new Done(
                            FAILED,
                            "SyncContacts takes a customer (sb_contactid, sb_leadid or sb_accountid), "
                                    + "or nothing for every record; for a list use SyncList");
                }
                if (customer.isEmpty()) {
                    return backfill(jobId);
                }
                ChangeEvent resync =
                        ChangeEvent.resync(
                                "job-resync", customer.get().entity(), customer.get().id());
                Outcome result = contactSync.apply(resync);
                return result == Outcome.SKIPPED || result == Outcome.REJECTED
                        ? new Done(
                                FAILED,
                                "full sync of "
                                        + customer.get().entity()
                                        + " "
                                        + customer.get().id()
                                        + " did not write: see the record's history")
                        : new Done(
                                SUCCEEDED,
                                "full sync of "
                                        + customer.get().entity()
                                        + " "
                                        + customer.get().id()
                                        + " done");
            }
            case START_CAMPAIGN, STOP_CAMPAIGN -> {
                if (code.isEmpty()) {
                    return new Done(
                            FAILED,
                            "a campaign job needs the campaign or trigger code (sb_campaigncode)");
                }
                return campaign(
                        jobId, operation == Operation.START_CAMPAIGN, code, listId, customer);
            }
        }
        throw new IllegalStateException("no case for " + operation);
    }

    /**
     * SyncContacts without a customer: a backfill of every active contact, lead and account. The
     * job stays Running; the backfill sets its status and result when it ends.
     */
    private Done backfill(String jobId) {
        try {
            Backfills.Start start =
                    backfills.create(Backfills.ALL, "job:" + jobId, "D365 sync job " + jobId);
            long id = start.backfill().id();
            if (start.created()) {
                runner.run(id);
            }
            return new Done(
                    RUNNING,
                    "backfill "
                            + id
                            + " of every active contact, lead and account started; this job is"
                            + " updated when it ends (GET /api/backfills/"
                            + id
                            + ")");
        } catch (Backfills.Busy e) {
            return new Done(FAILED, "no backfill started: " + e.getMessage());
        }
    }

    private Done campaign(
            String jobId,
            boolean start,
            String code,
            Optional<String> listId,
            Optional<Customer> customer) {
        String entity;
        List<RecordRow> rows = new ArrayList<>();
        if (customer.isPresent()) {
            entity = customer.get().entity();
            dataverse
                    .row(entity, customer.get().id(), bulk.mappedColumns(entity))
                    .ifPresent(rows::add);
        } else if (listId.isPresent()) {
            try {
                ListSync.Members members = lists.members(listId.get());
                entity = members.entity();
                rows.addAll(members.rows());
            } catch (ListSync.NotSyncable e) {
                return new Done(FAILED, e.getMessage());
            }
        } else {
            return new Done(FAILED, "a campaign job needs a customer or a marketing list");
        }
        boolean automation = DataverseValues.guid(code) != null;
        String target;
        if (automation) {
            target = code;
        } else {
            Optional<Campaign> campaign = campaignWith(code);
            if (campaign.isEmpty()) {
                return new Done(
                        FAILED,
                        "Spotler has no campaign or trigger "
                                + code
                                + " (GET /campaign/list): check sb_campaigncode");
            }
            if (!campaign.get().active()) {
                return new Done(
                        FAILED, "campaign '" + campaign.get().name() + "' is inactive in Spotler");
            }
            target = start ? triggerOf(campaign.get(), code) : campaign.get().encryptedId();
            if (target == null) {
                return new Done(
                        FAILED,
                        "campaign '"
                                + campaign.get().name()
                                + "' has no external trigger in Spotler");
            }
        }
        // direct mail: a record that does not allow bulk email is triggered all the same (§2.7.1)
        BulkUpsert.Report report = bulk.upsert(entity, rows, false, true);
        Map<String, String> failures = new LinkedHashMap<>(report.excluded());
        Map<String, CampaignContact> before = campaignLedger.of(jobId);
        int total = report.eligible().size() + report.excluded().size();
        String verb = start ? "started" : "stopped";
        String name = (start ? "StartCampaign " : "StopCampaign ") + code;
        int noBulk = 0;
        RunTracker run = runs.start(Runs.CAMPAIGN_JOB, name, "D365 sync job " + jobId, null);
        run.total(total, false);
        run.add(0, report.excluded().size());
        run.phase(start ? "triggering" : "stopping");
        try {
            contacts(jobId, name, report, before, failures, automation, start, target, run);
        } catch (RuntimeException e) {
            run.failed(Redelivery.describe(e) + "; the job is tried again from where it stopped");
            throw e;
        }
        int done = (int) run.done();
        for (String id : report.eligible()) {
            if (report.noBulkEmail().contains(id) && !failures.containsKey(id)) {
                noBulk++;
            }
        }
        String text =
                name
                        + ": "
                        + total
                        + " contact(s), "
                        + done
                        + " "
                        + verb
                        + ", "
                        + failures.size()
                        + " failed"
                        + (start
                                ? "; "
                                        + noBulk
                                        + " of the "
                                        + verb
                                        + " do not allow bulk email (a campaign trigger is direct"
                                        + " mail)"
                                : "")
                        + failures(failures);
        run.finished(text);
        Status status = failures.isEmpty() ? SUCCEEDED : done == 0 ? FAILED : PARTLY_SUCCEEDED;
        return new Done(status, text);
    }

    /**
     * Each eligible contact's call, once: an earlier attempt's outcome is taken from the ledger.
     *
     * @param name the job as its progress in sb_result names it
     */
    private void contacts(
            String jobId,
            String name,
            BulkUpsert.Report report,
            Map<String, CampaignContact> before,
            Map<String, String> failures,
            boolean automation,
            boolean start,
            String target,
            RunTracker run) {
        long lastProgress = System.nanoTime();
        int handled = report.excluded().size();
        int total = report.eligible().size() + report.excluded().size();
        for (String id : report.eligible()) {
            CampaignContact earlier = before.get(id);
            boolean reached;
            if (earlier != null) {
                // an earlier attempt of this job got this far: never a second call
                reached = earlier.state() == CampaignContact.State.DONE;
                if (earlier.state() == CampaignContact.State.CALLING) {
                    failures.put(
                            id,
                            "the job was interrupted during this contact's call; not called again"
                                    + " (check the contact in Spotler)");
                } else if (!reached) {
                    failures.put(id, earlier.reason());
                }
            } else {
                campaignLedger.calling(jobId, id);
                SpotlerGateway.Outcome outcome;
                try {
                    outcome = call(automation, start, target, id);
                } catch (SpotlerThrottledException | CircuitBreakerOpenException e) {
                    // held back on this side: the call was never sent
                    campaignLedger.notMade(jobId, id);
                    throw e;
                } catch (SpotlerUnavailableException e) {
                    if (e.answered()) {
                        // Spotler refused it (5xx, 429): the next attempt makes the call;
                        // without an answer (a timeout) it stays unknown, never made twice
                        campaignLedger.notMade(jobId, id);
                    }
                    throw e;
                }
                campaignLedger.ended(jobId, id, outcome.done(), outcome.reason());
                reached = outcome.done();
                if (!reached) {
                    failures.put(id, outcome.reason());
                }
            }
            run.add(reached ? 1 : 0, reached ? 0 : 1);
            handled++;
            if (System.nanoTime() - lastProgress > PROGRESS_NANOS) {
                dataverse.syncJobStatus(
                        jobId,
                        RUNNING,
                        name + ": " + handled + " / " + total + " contact(s) done, running");
                lastProgress = System.nanoTime();
            }
        }
    }

    /** One contact's call: a campaign trigger or stop, or an automation trigger. */
    private SpotlerGateway.Outcome call(
            boolean automation, boolean start, String target, String id) {
        if (automation) {
            return start
                    ? spotler.triggerAutomation(target, id)
                    : new SpotlerGateway.Outcome(
                            false, "stopping an automation is not in the Spotler REST API (2022)");
        }
        return start ? spotler.triggerCampaign(target, id) : spotler.stopCampaign(target, id);
    }

    /** The campaign a code names: by its encryptedId, or by one of its triggers. */
    private Optional<Campaign> campaignWith(String code) {
        return spotler.campaigns().stream()
                .filter(c -> c.encryptedId().equals(code) || c.triggers().contains(code))
                .findFirst();
    }

    /** The trigger a code names, or the campaign's first; null when it has none. */
    private static String triggerOf(Campaign campaign, String code) {
        if (campaign.triggers().contains(code)) {
            return code;
        }
        return campaign.triggers().isEmpty() ? null : campaign.triggers().get(0);
    }

    private static String failures(Map<String, String> failures) {
        StringBuilder text = new StringBuilder();
        failures.forEach(
                (id, reason) -> text.append("\n- ").append(id).append(": ").append(reason));
        return text.toString();
    }
}
