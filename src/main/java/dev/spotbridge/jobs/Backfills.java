package dev.spotbridge.jobs;

import dev.spotbridge.backsync.RunLock;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.SyncJobRow;
import dev.spotbridge.runs.Runs;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Backfills: every active contact, lead and account (or the tables asked for) brought into Spotler
 * page by page — a page of Dataverse rows (spotbridge.backfill.page-size, at most 5000) in one
 * transaction, written with {@link BulkUpsert} in batches of 100 per POST /contact/list, consent
 * first, unchanged records not written again. Where a backfill is (table and next page) is kept
 * with it, so a failed or interrupted one resumes from its last finished page. One backfill runs at
 * a time over all nodes.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class Backfills {

    /** The tables a backfill of everything covers, in order. */
    public static final List<String> ALL = List.of("contact", "lead", "account");

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject DataverseGateway dataverse;

    @Inject BulkUpsert bulk;

    @Inject Runs runs;

    @Inject
    @ConfigProperty(name = "spotbridge.backfill.page-size", defaultValue = "5000")
    int pageSize;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    /** Another backfill runs; the answer names it. */
    public static class Busy extends RuntimeException {
        public Busy(String message) {
            super(message);
        }
    }

    /** The backfill of a request; {@code created} false when the origin had started it before. */
    public record Start(Backfill backfill, boolean created) {}

    /**
     * A new backfill, Running; or the backfill this origin started before (a redelivered job does
     * not start a second one).
     *
     * @param startedBy who asked ("admin NAME", "D365 job ID"), shown on its run
     * @throws Busy when another backfill is running
     */
    public Start create(List<String> entities, String origin, String startedBy) {
        // the backfill row of run_lock serialises this check-and-insert over all nodes
        em.find(RunLock.class, "backfill", LockModeType.PESSIMISTIC_WRITE);
        Optional<Backfill> same =
                em.createQuery(
                                "select b from Backfill b where b.origin = :origin order by b.id desc",
                                Backfill.class)
                        .setParameter("origin", origin)
                        .setMaxResults(1)
                        .getResultStream()
                        .findFirst();
        if (same.isPresent() && !"admin".equals(origin)) {
            return new Start(same.get(), false);
        }
        refuseWhileRunning();
        Backfill backfill = new Backfill(entities, origin, node);
        em.persist(backfill);
        backfill.runId(
                runs.start(Runs.BACKFILL, String.join(", ", entities), startedBy, null).id());
        return new Start(backfill, true);
    }

    /**
     * A Paused, Failed or Interrupted backfill, Running again from its last finished page (its run
     * too).
     *
     * @param startedBy who asked, for a backfill from before runs (it gets its run now)
     * @throws Busy when it (or another) is running
     */
    public Optional<Backfill> resume(long id, String startedBy) {
        em.find(RunLock.class, "backfill", LockModeType.PESSIMISTIC_WRITE);
        Backfill backfill = em.find(Backfill.class, id);
        if (backfill == null) {
            return Optional.empty();
        }
        refuseWhileRunning();
        if (Backfill.SUCCEEDED.equals(backfill.state())) {
            throw new Busy("backfill " + id + " has finished");
        }
        backfill.resumed(node);
        if (backfill.runId() == null) {
            backfill.runId(
                    runs.start(
                                    Runs.BACKFILL,
                                    String.join(", ", backfill.entities()),
                                    startedBy,
                                    null)
                            .id());
        } else {
            runs.resumed(backfill.runId());
        }
        return Optional.of(backfill);
    }

    /**
     * @throws Busy when a backfill is running on any node
     */
    private void refuseWhileRunning() {
        for (Backfill other : recent(50)) {
            if (other.running()) {
                throw new Busy(
                        "backfill "
                                + other.id()
                                + " is running (GET /api/backfills/"
                                + other.id()
                                + ")");
            }
        }
    }

    public List<Backfill> recent(int limit) {
        return em.createQuery("select b from Backfill b order by b.id desc", Backfill.class)
                .setMaxResults(limit)
                .getResultList();
    }

    /** The backfill that reports on this run. */
    public Optional<Backfill> ofRun(long runId) {
        return em.createQuery("select b from Backfill b where b.runId = :run", Backfill.class)
                .setParameter("run", runId)
                .getResultStream()
                .findFirst();
    }

    /** A Running backfill stops between two pages, as an operator asked. */
    public void paused(long id) {
        Backfill backfill = em.find(Backfill.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (backfill != null && Backfill.RUNNING.equals(backfill.state())) {
            backfill.paused(node);
        }
    }

    public Optional<Backfill> find(long id) {
        return Optional.ofNullable(em.find(Backfill.class, id));
    }

    /**
     * The next page of a Running backfill, in this transaction: read, written to Spotler, position
     * and counts advanced. A failure rolls all of it back (the page is done again).
     *
     * @return true while pages remain
     */
    public boolean next(long id) {
        Backfill backfill = em.find(Backfill.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (backfill == null || !Backfill.RUNNING.equals(backfill.state())) {
            return false;
        }
        String entity = backfill.entity();
        DataverseGateway.RowsPage page =
                dataverse.activeRows(
                        entity,
                        bulk.mappedColumns(entity),
                        backfill.skipToken(),
                        Math.min(5000, Math.max(1, pageSize)));
        BulkUpsert.Report report = bulk.backfill(entity, page.rows());
        backfill.page(
                page.rows().size(),
                report.created().size() + report.changed().size(),
                report.excluded().size(),
                report.batches(),
                page.next());
        if (!Backfill.RUNNING.equals(backfill.state())) {
            finished(backfill);
            return false;
        }
        return true;
    }

    /** The backfill could not go on: Failed, with the reason (resumable). */
    public void failed(long id, RuntimeException e) {
        Backfill backfill = em.find(Backfill.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (backfill != null) {
            backfill.failed(
                    "stopped at "
                            + backfill.entity()
                            + " after "
                            + backfill.written()
                            + " written: "
                            + e
                            + "; POST /api/backfills/"
                            + id
                            + "/resume goes on from the last finished page",
                    node);
            finished(backfill);
        }
    }

    /** A backfill a SyncContacts job started reports its end on the job. */
    private void finished(Backfill backfill) {
        if (!backfill.origin().startsWith("job:")) {
            return;
        }
        String jobId = backfill.origin().substring("job:".length());
        boolean ok = Backfill.SUCCEEDED.equals(backfill.state());
        String result =
                ok
                        ? "backfill "
                                + backfill.id()
                                + " of every active contact, lead and account: "
                                + backfill.summary()
                        : "backfill "
                                + backfill.id()
                                + " failed: "
                                + backfill.json().getString("detail");
        dataverse.syncJobStatus(
                jobId,
                !ok
                        ? SyncJobRow.Status.FAILED
                        : backfill.excluded() > 0
                                ? SyncJobRow.Status.PARTLY_SUCCEEDED
                                : SyncJobRow.Status.SUCCEEDED,
                result);
    }
}
