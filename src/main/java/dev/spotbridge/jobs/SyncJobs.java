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
import dev.spotbridge.queue.EventHandler;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvents;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerGateway.Campaign;
import dev.spotbridge.sync.ContactSync;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs an sb_syncjob. The job is marked Running, the work done, and its sb_status (Succeeded,
 * PartlySucceeded, Failed) and a readable sb_result (counts, then every failure with its reason)
 * written back. A job that cannot start (no list, no customer, no campaign code) fails with the
 * reason; an outage of Spotler or Dataverse rolls back and is retried like any queued work.
 */
@ApplicationScoped
@Transactional
public class SyncJobs implements EventHandler {

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject ListSync lists;

    @Inject BulkUpsert bulk;

    @Inject ContactSync contactSync;

    @Inject ProcessedEvents ledger;

    @Inject Backfills backfills;

    @Inject BackfillRunner runner;

    /** The end of a job: its status and the text for sb_result. */
    record Done(Status status, String result) {}

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
        Done done = run(jobId, job);
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

    private Done run(String jobId, SyncJobRow job) {
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
                    ListSync.Result result = lists.sync(listId.get(), false);
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
                        new ChangeEvent(
                                "job-resync|" + UUID.randomUUID(),
                                customer.get().entity(),
                                customer.get().id(),
                                "Resync",
                                ChangeEvent.Operation.RESYNC,
                                Instant.now(),
                                null,
                                Map.of(),
                                false,
                                null,
                                null);
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
                return campaign(operation == Operation.START_CAMPAIGN, code, listId, customer);
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
            Backfills.Start start = backfills.create(Backfills.ALL, "job:" + jobId);
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
            boolean start, String code, Optional<String> listId, Optional<Customer> customer) {
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
        BulkUpsert.Report report = bulk.upsert(entity, rows, false);
        Map<String, String> failures = new LinkedHashMap<>(report.excluded());
        boolean automation = DataverseValues.guid(code) != null;
        String target = automation ? code : start ? triggerOf(code) : campaignOf(code);
        int done = 0;
        for (String id : report.eligible()) {
            SpotlerGateway.Outcome outcome;
            if (automation) {
                outcome =
                        start
                                ? spotler.triggerAutomation(target, id)
                                : new SpotlerGateway.Outcome(
                                        false,
                                        "stopping an automation is not in the Spotler REST API (2022)");
            } else {
                outcome =
                        start
                                ? spotler.triggerCampaign(target, id)
                                : spotler.stopCampaign(target, id);
            }
            if (outcome.done()) {
                done++;
            } else {
                failures.put(id, outcome.reason());
            }
        }
        int total = report.eligible().size() + report.excluded().size();
        String verb = start ? "started" : "stopped";
        String text =
                (start ? "StartCampaign " : "StopCampaign ")
                        + code
                        + ": "
                        + total
                        + " contact(s), "
                        + done
                        + " "
                        + verb
                        + ", "
                        + failures.size()
                        + " failed"
                        + failures(failures);
        Status status = failures.isEmpty() ? SUCCEEDED : done == 0 ? FAILED : PARTLY_SUCCEEDED;
        return new Done(status, text);
    }

    /**
     * A campaign's code (its encryptedId) → its first external trigger; a trigger id stays as it
     * is.
     */
    private String triggerOf(String code) {
        return spotler.campaigns().stream()
                .filter(c -> c.encryptedId().equals(code) && !c.triggers().isEmpty())
                .map(c -> c.triggers().get(0))
                .findFirst()
                .orElse(code);
    }

    /** A trigger id → the campaign it belongs to; a campaign id stays as it is. */
    private String campaignOf(String code) {
        return spotler.campaigns().stream()
                .filter(c -> c.triggers().contains(code))
                .map(Campaign::encryptedId)
                .findFirst()
                .orElse(code);
    }

    private static String failures(Map<String, String> failures) {
        StringBuilder text = new StringBuilder();
        failures.forEach(
                (id, reason) -> text.append("\n- ").append(id).append(": ").append(reason));
        return text.toString();
    }
}
