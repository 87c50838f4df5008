package dev.spotbridge.backsync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A database lock per scheduled job, so that only one node runs it when several share the database
 * (each node has its own non-persistent timer). Taken with a row lock in a short transaction of its
 * own, as a lease: the node that holds it renews it ({@link RunLockHeartbeat}) for as long as the
 * run lives, so a lock whose node died lapses after one lease and the next firing on any node takes
 * it over.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class RunLocks {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    private static final Logger LOG = Logger.getLogger(RunLocks.class.getName());

    @Inject
    @ConfigProperty(name = "spotbridge.run-lock-seconds", defaultValue = "120")
    long leaseSeconds;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    /**
     * The holder tokens of the runs on this node that hold their lock now: the heartbeat renews
     * them.
     */
    private final Set<String> held = ConcurrentHashMap.newKeySet();

    /**
     * @return the holder token when this call took the lock; empty when another run holds it
     */
    public Optional<String> take(String job) {
        return take(job, null);
    }

    /**
     * Takes the lock for the scheduled firing of a job at {@code slot} (the minute its timer fired
     * for): every node has its own timer, so the slot is claimed at most once in total, and a node
     * whose timer fires after another node's run has ended does not run it again.
     *
     * @param slot null for a run that an admin started (no slot to claim)
     * @return the holder token when this call took the lock; empty when another run holds it or
     *     another node already ran this slot
     */
    public Optional<String> take(String job, Instant slot) {
        RunLock lock = em.find(RunLock.class, job, LockModeType.PESSIMISTIC_WRITE);
        if (lock == null) {
            throw new IllegalStateException(
                    "no run_lock row for " + job + " (migration V4 missing?)");
        }
        Instant now = Instant.now();
        if (lock.holder() != null && lock.lockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        if (slot != null) {
            // under the row lock above: no other node claims the same slot between this check and
            // the insert (and the key of scheduled_run refuses it if one did)
            if (em.find(ScheduledRun.class, new ScheduledRun.Key(job, slot)) != null) {
                return Optional.empty();
            }
            em.persist(new ScheduledRun(job, slot, node));
        }
        if (lock.holder() != null) {
            // its node stopped renewing: the run died with it (its watermarks did not move, so this
            // run repeats its window)
            LOG.warning(
                    job
                            + ": took over the run lock of "
                            + lock.holder()
                            + ", which lapsed at "
                            + lock.lockedUntil()
                            + " (its node stopped before the run ended)");
        }
        String holder = node + "/" + UUID.randomUUID();
        lock.take(holder, now.plusSeconds(leaseSeconds));
        held.add(holder);
        return Optional.of(holder);
    }

    /** How often the heartbeat renews the leases of this node's runs: four times per lease. */
    Duration renewalInterval() {
        return Duration.ofMillis(Math.max(250, leaseSeconds * 1000 / 4));
    }

    /**
     * Extends the lease of every lock a run on this node holds. A holder whose lock is gone (taken
     * over after a lapse, or released) is forgotten.
     */
    public void renew() {
        Instant until = Instant.now().plusSeconds(leaseSeconds);
        for (String holder : held) {
            int renewed =
                    em.createQuery(
                                    "update RunLock l set l.lockedUntil = :until where l.holder = :holder")
                            .setParameter("until", until)
                            .setParameter("holder", holder)
                            .executeUpdate();
            // not renewed and not released meanwhile on this node
            if (renewed == 0 && held.remove(holder)) {
                LOG.warning(
                        () ->
                                "run lock "
                                        + holder
                                        + " is no longer held (it lapsed and another run took it over)");
            }
        }
    }

    /** The end of one run of a job: Succeeded or Failed, with its result or failure. */
    public record LastRun(
            String job,
            String node,
            Instant startedAt,
            Instant finishedAt,
            String outcome,
            String detail) {}

    /**
     * Releases the lock and records how the run ended, so every node's overview shows the last run.
     */
    public void release(String job, String holder, Instant started, String outcome, String detail) {
        held.remove(holder);
        RunLock lock = em.find(RunLock.class, job, LockModeType.PESSIMISTIC_WRITE);
        if (lock != null && holder.equals(lock.holder())) {
            lock.take(null, Instant.EPOCH);
            lock.finished(node, started, outcome, detail);
        }
    }

    /** The last finished run of each job that has run at least once. */
    public List<LastRun> lastRuns() {
        return em
                .createQuery("select l from RunLock l order by l.name", RunLock.class)
                .getResultList()
                .stream()
                .map(RunLock::lastRun)
                .filter(Objects::nonNull)
                .toList();
    }

    /**
     * A job whose lock is held now: the node running it and the end of its lease; lapsed when the
     * lease ended without renewal (the node stopped mid-run; the next firing takes the job over).
     */
    public record Running(String job, String node, Instant leaseUntil, boolean lapsed) {}

    /** The jobs whose lock a run holds now, on any node. */
    public List<Running> running() {
        Instant now = Instant.now();
        return em
                .createQuery(
                        "select l from RunLock l where l.holder is not null order by l.name",
                        RunLock.class)
                .getResultList()
                .stream()
                .map(
                        l ->
                                new Running(
                                        l.name(),
                                        l.holder()
                                                .substring(
                                                        0,
                                                        Math.max(0, l.holder().lastIndexOf('/'))),
                                        l.lockedUntil(),
                                        !l.lockedUntil().isAfter(now)))
                .toList();
    }

    /** Until when another run holds the lock (for the answer to a refused trigger). */
    public Instant heldUntil(String job) {
        RunLock lock = em.find(RunLock.class, job);
        return lock == null ? Instant.EPOCH : lock.lockedUntil();
    }
}
