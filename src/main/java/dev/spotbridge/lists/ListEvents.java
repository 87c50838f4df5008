package dev.spotbridge.lists;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.jobs.BulkUpsert;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.ChangeEvent.Operation;
import dev.spotbridge.queue.EventHandler;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.records.ProcessedEvents;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The list events of the sync queue: "Sync to Spotler" (admin or sb_syncjob), list
 * Update/Delete/SetState (delete or deactivation removes the audience; a rename waits for the next
 * sync), and AddMember / AddListMembers / RemoveMember, applied to the audience at once when the
 * list is synced and recorded as ignored otherwise.
 */
@ApplicationScoped
@Transactional
public class ListEvents implements EventHandler {

    @Inject ListSync lists;

    @Inject BulkUpsert bulk;

    @Inject SpotlerGateway spotler;

    @Inject DataverseGateway dataverse;

    @Inject ProcessedEvents ledger;

    @Override
    public boolean handles(ChangeEvent event) {
        return event.operation() == Operation.LIST_SYNC
                || event.operation() == Operation.LIST_CHANGE
                || event.operation() == Operation.LIST_MEMBERS;
    }

    @Override
    public Outcome apply(ChangeEvent event) {
        String listId = event.recordId();
        String subject = "list:" + listId;
        if (ledger.seen(event.key())) {
            return Outcome.SKIPPED;
        }
        String[] outcome =
                switch (event.operation()) {
                    case LIST_SYNC -> sync(listId, startedBy(event));
                    case LIST_CHANGE -> change(event, listId);
                    default -> members(event, listId);
                };
        if (event.operation() != Operation.LIST_SYNC || !"Succeeded".equals(outcome[0])) {
            // a successful sync has written its own line (it also runs for jobs)
            ledger.history(subject, event.message(), outcome[0], outcome[1], event.key());
        }
        ledger.remember(event.key());
        return "Failed".equals(outcome[0]) ? Outcome.REJECTED : Outcome.WRITTEN;
    }

    /** A sync the admin API queued, or one D365 asked for ("Sync to Spotler"). */
    private static String startedBy(ChangeEvent event) {
        return event.key().startsWith("sync-list|") ? "admin" : "D365 (Sync to Spotler)";
    }

    private String[] sync(String listId, String startedBy) {
        try {
            return new String[] {"Succeeded", lists.sync(listId, false, startedBy).summary()};
        } catch (ListSync.NotSyncable e) {
            return new String[] {"Failed", e.getMessage()};
        }
    }

    private String[] change(ChangeEvent event, String listId) {
        Integer state =
                event.state() != null ? event.state() : new RecordRow(event.attributes()).state();
        if ("Delete".equals(event.message())) {
            return new String[] {"Succeeded", lists.remove(listId, "list deleted in D365")};
        }
        if (state != null && state != 0) {
            return new String[] {"Succeeded", lists.remove(listId, "list deactivated in D365")};
        }
        if (state != null) {
            return new String[] {
                "Skipped",
                "list active again in D365: its audience returns with the next 'Sync to Spotler'"
            };
        }
        return new String[] {
            "Skipped",
            "list changed in D365 ("
                    + String.join(", ", event.attributes().keySet())
                    + "); a new name is applied at the next 'Sync to Spotler'"
        };
    }

    private String[] members(ChangeEvent event, String listId) {
        Optional<SyncedList> synced = lists.active(listId);
        List<String> ids = memberIds(event);
        if (synced.isEmpty()) {
            return new String[] {
                "Skipped",
                event.message()
                        + " of "
                        + ids.size()
                        + " member(s) ignored: the list has no Spotler audience (never synced, or removed)"
            };
        }
        if ("QualifyMemberList".equals(event.message())
                || "CopyMembersList".equals(event.message())) {
            // many members at once, by a query Spotbridge does not see: the list is read again
            try {
                return new String[] {
                    "Succeeded",
                    event.message()
                            + " changed the list's members in D365: "
                            + lists.sync(listId, false, "D365 " + event.message()).summary()
                };
            } catch (ListSync.NotSyncable e) {
                return new String[] {"Skipped", event.message() + ": " + e.getMessage()};
            }
        }
        String entity = synced.get().memberEntity();
        boolean temporary = synced.get().temporary();
        if ("RemoveMember".equals(event.message())) {
            Set<String> current = lists.currentMembers(listId, entity);
            List<String> present = ids.stream().filter(current::contains).toList();
            if (!present.isEmpty() && temporary) {
                // a temporary list cannot lose a member: it is replaced by one without them
                List<String> remaining =
                        current.stream().filter(id -> !present.contains(id)).toList();
                spotler.replaceTemporaryList(listId, synced.get().name(), remaining);
            } else if (!present.isEmpty()) {
                spotler.removeFromAudience(listId, present);
            }
            present.forEach(id -> lists.memberRemoved(listId, entity, id));
            return new String[] {
                "Succeeded",
                present.size()
                        + " member(s) removed from the Spotler "
                        + (temporary ? "temporary list" : "audience")
            };
        }
        List<RecordRow> rows = new ArrayList<>();
        for (String id : ids) {
            dataverse.row(entity, id, bulk.mappedColumns(entity)).ifPresent(rows::add);
        }
        BulkUpsert.Report report = bulk.upsert(entity, rows, false);
        List<String> add =
                report.eligible().stream()
                        .filter(id -> !lists.currentMembers(listId, entity).contains(id))
                        .toList();
        if (temporary) {
            spotler.addToTemporaryList(listId, add);
        } else {
            spotler.addToAudience(listId, add);
        }
        add.forEach(id -> lists.memberAdded(listId, entity, id));
        return new String[] {
            "Succeeded",
            add.size()
                    + " member(s) added to the Spotler "
                    + (temporary ? "temporary list" : "audience")
                    + (report.excluded().isEmpty() ? "" : "; left out: " + report.excluded())
        };
    }

    /** EntityId (AddMember, RemoveMember) or MemberIds (AddListMembers) of the event. */
    private static List<String> memberIds(ChangeEvent event) {
        List<String> ids = new ArrayList<>();
        JsonValue single = event.attributes().get("EntityId");
        if (single instanceof JsonString s && DataverseValues.guid(s.getString()) != null) {
            ids.add(DataverseValues.guid(s.getString()));
        }
        if (event.attributes().get("MemberIds") instanceof JsonArray many) {
            many.forEach(
                    v -> {
                        if (v instanceof JsonString s
                                && DataverseValues.guid(s.getString()) != null) {
                            ids.add(DataverseValues.guid(s.getString()));
                        }
                    });
        }
        return ids;
    }
}
