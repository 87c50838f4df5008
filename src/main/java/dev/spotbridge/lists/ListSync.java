package dev.spotbridge.lists;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.MarketingList;
import dev.spotbridge.dataverse.RecordRow;
import dev.spotbridge.jobs.BulkUpsert;
import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.records.ProcessedEvents;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.spotler.SpotlerRejectedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * "Sync to Spotler" of one marketing list: members read from Dataverse (static through the list's
 * N:N association, dynamic by running its FetchXML), brought into Spotler in batches of 100
 * (consent first: opted-out, disabled, inactive and bulk-email opt-out members stay out), then the
 * audience created, renamed and brought to exactly those members. On an edition without audiences
 * (403) the members go to a temporary list instead, replaced as a whole at each sync (a temporary
 * list cannot lose a member). A dry run reads everything and writes nothing.
 */
@ApplicationScoped
@Transactional
public class ListSync {

    /** list.createdfromcode → the member table. */

    /**
     * The list cannot be synced (gone, inactive, unknown member type): the reason is for the
     * caller.
     */
    public static class NotSyncable extends RuntimeException {
        public NotSyncable(String message) {
            super(message);
        }
    }

    /** What a sync did or would do. */
    public record Result(
            String listId,
            String name,
            String memberEntity,
            boolean dynamic,
            int members,
            Set<String> eligible,
            Map<String, String> excluded,
            List<String> created,
            List<String> changed,
            List<String> added,
            List<String> removed,
            int contactBatches,
            boolean dryRun,
            boolean temporary) {

        /** Why the members are in a temporary list, for the summary and the list's state. */
        static final String TEMPORARY_NOTE =
                "Spotler's lists (audiences) are not in this account's edition (403 on /audience:"
                        + " Automation or eCommerce only), so the list is a temporary list in"
                        + " Spotler, replaced as a whole at every sync";

        public JsonObject json() {
            JsonObjectBuilder excludedJson = Json.createObjectBuilder();
            excluded.forEach(excludedJson::add);
            return Json.createObjectBuilder()
                    .add("listId", listId)
                    .add("name", name)
                    .add("memberEntity", memberEntity)
                    .add("dynamic", dynamic)
                    .add("dryRun", dryRun)
                    .add("members", members)
                    .add("inSpotler", eligible.size())
                    .add("excluded", excludedJson)
                    .add("created", array(created))
                    .add("changed", array(changed))
                    .add("added", array(added))
                    .add("removed", array(removed))
                    .add("contactBatches", contactBatches)
                    .add("spotlerList", temporary ? "temporary list" : "audience")
                    .build();
        }

        public String summary() {
            return "list '"
                    + name
                    + "': "
                    + eligible.size()
                    + " of "
                    + members
                    + " members in the Spotler "
                    + (temporary ? "temporary list" : "audience")
                    + " ("
                    + added.size()
                    + " added, "
                    + removed.size()
                    + " removed, "
                    + excluded.size()
                    + " left out; "
                    + created.size()
                    + " contacts created, "
                    + changed.size()
                    + " updated in "
                    + contactBatches
                    + " batch call(s))"
                    + (temporary ? ". " + TEMPORARY_NOTE : "");
        }

        private static JsonArrayBuilder array(Collection<String> items) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            items.forEach(a::add);
            return a;
        }
    }

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject BulkUpsert bulk;

    @Inject ProcessedEvents ledger;

    @Inject Runs runs;

    /**
     * The list's members into Spotler and its audience (or, on a dry run, what that would do). A
     * sync that writes is a run (GET /api/runs): its total is the members, its phases reading,
     * writing and the audience.
     *
     * @param startedBy who asked ("admin NAME", "D365 sync job ID", "D365 list change")
     */
    public Result sync(String listId, boolean dryRun, String startedBy) {
        if (dryRun) {
            return sync(listId, true, null, n -> {});
        }
        RunTracker run = runs.start(Runs.LIST_SYNC, "list " + listId, startedBy, null);
        try {
            Result result = sync(listId, false, run, n -> run.add(n, 0));
            run.finished(result.summary());
            return result;
        } catch (RuntimeException e) {
            run.failed(Redelivery.describe(e));
            throw e;
        }
    }

    private Result sync(String listId, boolean dryRun, RunTracker run, IntConsumer progress) {
        if (run != null) {
            run.phase("reading the members from Dataverse");
        }
        Members members = members(listId);
        String name = members.name();
        String entity = members.entity();
        boolean dynamic = members.dynamic();
        List<RecordRow> rows = members.rows();
        if (run != null) {
            run.total(rows.size(), false);
            run.phase("writing " + rows.size() + " member(s) to Spotler");
        }

        BulkUpsert.Report report = bulk.upsert(entity, rows, dryRun, false, true, progress);
        if (run != null) {
            run.phase("updating the audience");
        }
        SyncedList synced = em.find(SyncedList.class, listId);
        boolean known = synced != null && synced.active();
        Set<String> current = known ? currentMembers(listId, entity) : new LinkedHashSet<>();
        boolean temporary = false;
        if (!dryRun) {
            try {
                prepareAudience(listId, name, known, current);
                if (synced != null && synced.temporary()) {
                    // the edition has audiences now: the temporary list is not needed any more
                    spotler.deleteTemporaryList(listId);
                    current.clear();
                }
            } catch (SpotlerRejectedException e) {
                if (e.status() != 403) {
                    throw e;
                }
                temporary = true;
            }
        }
        List<String> added =
                report.eligible().stream().filter(id -> !current.contains(id)).toList();
        List<String> removed =
                current.stream().filter(id -> !report.eligible().contains(id)).toList();
        Result result =
                new Result(
                        listId,
                        name,
                        entity,
                        dynamic,
                        rows.size(),
                        report.eligible(),
                        report.excluded(),
                        report.created(),
                        report.changed(),
                        added,
                        removed,
                        report.batches(),
                        dryRun,
                        temporary);
        if (dryRun) {
            return result;
        }
        if (temporary) {
            spotler.replaceTemporaryList(listId, name, List.copyOf(report.eligible()));
        } else {
            spotler.addToAudience(listId, added);
            if (!removed.isEmpty()) {
                spotler.removeFromAudience(listId, removed);
            }
        }
        Set<String> stored = currentMembers(listId, entity);
        stored.stream()
                .filter(id -> !report.eligible().contains(id))
                .forEach(id -> memberRemoved(listId, entity, id));
        report.eligible().stream()
                .filter(id -> !stored.contains(id))
                .forEach(id -> memberAdded(listId, entity, id));
        if (synced == null) {
            synced = new SyncedList(listId);
            em.persist(synced);
        }
        synced.synced(name, entity, temporary);
        ledger.history("list:" + listId, "SyncList", "Succeeded", result.summary(), null);
        return result;
    }

    /**
     * The audience exists under the list's name, and when this node has no record of its members,
     * holds none. Throws Spotler's 403 when the edition has no audiences.
     */
    private void prepareAudience(String listId, String name, boolean known, Set<String> current) {
        Optional<String> audience = spotler.audienceName(listId);
        if (audience.isEmpty()) {
            spotler.createAudience(listId, name);
            current.clear();
        } else {
            if (!known) {
                // Spotler cannot list an audience's members: start from exactly none
                spotler.removeFromAudience(listId, null);
                current.clear();
            }
            if (!name.equals(audience.get())) {
                spotler.renameAudience(listId, name);
            }
        }
    }

    /** A list as Dataverse holds it now: its name, kind, member table and members. */
    public record Members(String name, boolean dynamic, String entity, List<RecordRow> rows) {}

    /**
     * The members of an active list as Dataverse holds them now (a sync, a campaign job for a
     * list).
     *
     * @throws NotSyncable when the list is gone, inactive or of an unknown member type
     */
    public Members members(String listId) {
        MarketingList list =
                dataverse
                        .marketingList(listId)
                        .orElseThrow(
                                () ->
                                        new NotSyncable(
                                                "marketing list "
                                                        + listId
                                                        + " is not in Dataverse"));
        if (!list.active()) {
            throw new NotSyncable(
                    "marketing list " + listId + " is inactive; activate it, then sync again");
        }
        String entity =
                list.memberTable()
                        .orElseThrow(
                                () ->
                                        new NotSyncable(
                                                "marketing list "
                                                        + listId
                                                        + " has members of unknown type "
                                                        + list.memberType()));
        if (list.dynamic() && list.query().isBlank()) {
            throw new NotSyncable("dynamic marketing list " + listId + " has no FetchXML query");
        }
        return new Members(
                list.name(),
                list.dynamic(),
                entity,
                dataverse.members(list, entity, bulk.mappedColumns(entity)));
    }

    /** Removes the list's audience from Spotler (list deleted or deactivated in D365). */
    public String remove(String listId, String why) {
        SyncedList synced = em.find(SyncedList.class, listId);
        if (synced == null || !synced.active()) {
            return why + "; the list has no Spotler audience, nothing to remove";
        }
        boolean existed =
                synced.temporary()
                        ? spotler.deleteTemporaryList(listId)
                        : spotler.deleteAudience(listId);
        em.createQuery("delete from ListMember m where m.listId = :id")
                .setParameter("id", listId)
                .executeUpdate();
        synced.removed();
        return why
                + "; "
                + (existed ? "Spotler audience removed" : "the Spotler audience was already gone")
                + "; a reactivated list returns with its next sync";
    }

    /**
     * The list's state for the admin API: name, audience, member count; empty when never synced.
     */
    public Optional<JsonObject> state(String listId) {
        SyncedList synced = em.find(SyncedList.class, listId);
        if (synced == null) {
            return Optional.empty();
        }
        long members =
                em.createQuery("select count(m) from ListMember m where m.listId = :id", Long.class)
                        .setParameter("id", listId)
                        .getSingleResult();
        return Optional.of(
                Json.createObjectBuilder()
                        .add("listId", listId)
                        .add("name", synced.name() == null ? "" : synced.name())
                        .add(
                                "memberEntity",
                                synced.memberEntity() == null ? "" : synced.memberEntity())
                        .add("audience", synced.active())
                        .add("spotlerList", synced.temporary() ? "temporary list" : "audience")
                        .add("members", members)
                        .add(
                                "lastSyncedAt",
                                synced.lastSyncedAt() == null
                                        ? JsonValue.NULL
                                        : Json.createValue(synced.lastSyncedAt().toString()))
                        .add("note", synced.temporary() ? Result.TEMPORARY_NOTE : "")
                        .build());
    }

    /** The synced list, when it has an active audience. */
    Optional<SyncedList> active(String listId) {
        return Optional.ofNullable(em.find(SyncedList.class, listId)).filter(SyncedList::active);
    }

    Set<String> currentMembers(String listId, String entity) {
        Set<String> ids = new LinkedHashSet<>();
        em.createQuery("select m from ListMember m where m.listId = :id", ListMember.class)
                .setParameter("id", listId)
                .getResultStream()
                .forEach(m -> ids.add(m.recordKey().substring(m.recordKey().indexOf(':') + 1)));
        return ids;
    }

    void memberAdded(String listId, String entity, String id) {
        if (em.find(ListMember.class, new ListMember.Key(listId, entity + ":" + id)) == null) {
            em.persist(new ListMember(listId, entity + ":" + id));
        }
    }

    void memberRemoved(String listId, String entity, String id) {
        ListMember member =
                em.find(ListMember.class, new ListMember.Key(listId, entity + ":" + id));
        if (member != null) {
            em.remove(member);
        }
    }
}
