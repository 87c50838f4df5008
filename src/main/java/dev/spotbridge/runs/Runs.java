package dev.spotbridge.runs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The runs' rows, each change in a short transaction of its own (so that the progress is visible at
 * once on every node, and a run's work rolling back does not take its progress with it).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class Runs {

    /** The kinds of run. */
    public static final String BACKFILL = "backfill";

    public static final String LIST_SYNC = "list-sync";
    public static final String CAMPAIGN_JOB = "campaign-job";
    public static final String BACKSYNC = "backsync";
    public static final String RECONCILE = "reconcile";
    public static final String REPLAY = "replay";
    public static final String RETENTION = "retention";

    /** The kinds whose work can stop between two steps and go on later. */
    static final Set<String> PAUSABLE = Set.of(BACKFILL, REPLAY);

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    /** A run refused a pause or a resume: the answer says why. */
    public static class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** No run has this id. */
    public static class Missing extends RuntimeException {
        public Missing(long id) {
            super("no run " + id);
        }
    }

    /**
     * A new run, Running on this node.
     *
     * @param subject what it works on (a list, a job, the tables), or null
     * @param startedBy who started it: "admin NAME", "schedule", "D365 job ID"
     * @param params what a resume needs to go on (JSON), or null
     */
    public RunTracker start(String kind, String subject, String startedBy, String params) {
        Run run = new Run(kind, subject, startedBy, node, params);
        em.persist(run);
        em.flush();
        return new RunTracker(this, run.id(), 0, 0);
    }

    /** The tracker of a run that goes on (after a resume), from its counts so far. */
    public RunTracker tracker(long id) {
        Run run = em.find(Run.class, id);
        if (run == null) {
            throw new IllegalArgumentException("no run " + id);
        }
        return new RunTracker(this, id, run.done(), run.failed());
    }

    public Optional<Run> find(long id) {
        return Optional.ofNullable(em.find(Run.class, id));
    }

    /**
     * The runs that are active (Running, Paused, or Interrupted) first, then the latest finished;
     * at most {@code limit}, of one kind when asked.
     */
    public List<Run> list(String kind, boolean activeOnly, int limit) {
        String where = kind == null ? "" : " and r.kind = :kind";
        var active =
                em.createQuery(
                                "select r from Run r where r.state in ('Running', 'Paused')"
                                        + where
                                        + " order by r.id desc",
                                Run.class)
                        .setMaxResults(limit);
        var finished =
                em.createQuery(
                                "select r from Run r where r.state not in ('Running', 'Paused')"
                                        + where
                                        + " order by r.id desc",
                                Run.class)
                        .setMaxResults(limit);
        if (kind != null) {
            active.setParameter("kind", kind);
            finished.setParameter("kind", kind);
        }
        List<Run> runs = new java.util.ArrayList<>(active.getResultList());
        if (!activeOnly && runs.size() < limit) {
            runs.addAll(finished.setMaxResults(limit - runs.size()).getResultList());
        }
        return runs;
    }

    void progress(long id, long done, long failed, String phase) {
        Run run = em.find(Run.class, id);
        if (run != null) {
            run.progress(done, failed, phase, Instant.now());
        }
    }

    void total(long id, Long total, boolean estimated) {
        Run run = em.find(Run.class, id);
        if (run != null) {
            run.total(total, estimated);
        }
    }

    boolean pauseRequested(long id) {
        Run run = em.find(Run.class, id);
        return run != null && run.pauseRequested();
    }

    void paused(long id, long done, long failed, String why) {
        Run run = em.find(Run.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (run != null) {
            run.progress(done, failed, null, Instant.now());
            run.paused(why);
        }
    }

    void finished(long id, long done, long failed, String outcome, String detail) {
        Run run = em.find(Run.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (run != null) {
            run.progress(done, failed, null, Instant.now());
            run.finished(outcome, detail);
        }
    }

    /**
     * Asks a Running run to pause: its work stops after the step it is doing (a backfill's page, a
     * replay's message) and the run becomes Paused.
     *
     * @throws Refused when the run cannot pause (its kind cannot, or it is not Running)
     */
    public Run requestPause(long id) {
        Run run = lock(id);
        if (!run.pausable()) {
            throw new Refused("a " + run.kind() + " run cannot pause; only a backfill or a replay");
        }
        if (!Run.RUNNING.equals(run.state())) {
            throw new Refused("run " + id + " is " + run.state() + ", not Running");
        }
        run.requestPause(true);
        return run;
    }

    /**
     * Marks a Paused, Interrupted or Failed run Running again on this node; the caller then goes on
     * with its work.
     *
     * @throws Refused when the run is Running or has succeeded
     */
    public Run resumed(long id) {
        Run run = lock(id);
        String state = run.state();
        if (Run.RUNNING.equals(state)) {
            throw new Refused("run " + id + " is running");
        }
        if (Run.SUCCEEDED.equals(state) || Run.PARTLY_SUCCEEDED.equals(state)) {
            throw new Refused("run " + id + " has finished (" + state + ")");
        }
        run.resumed(node);
        return run;
    }

    private Run lock(long id) {
        Run run = em.find(Run.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (run == null) {
            throw new Missing(id);
        }
        return run;
    }
}
