package dev.spotbridge.backsync;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A database lock per scheduled job, so that only one node runs it when several share the database
 * (each node has its own non-persistent timer). Taken with a row lock in a short transaction of its
 * own; a lock held past its expiry (the node died) can be taken over.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class RunLocks {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "spotbridge.run-lock-minutes", defaultValue = "60")
    long lockMinutes;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

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
        String holder = node + "/" + UUID.randomUUID();
        lock.take(holder, now.plus(Duration.ofMinutes(lockMinutes)));
        return Optional.of(holder);
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
        RunLock lock = em.find(RunLock.class, job, LockModeType.PESSIMISTIC_WRITE);
        if (lock != null && holder.equals(lock.holder())) {
            lock.take(null, Instant.EPOCH);
            lock.finished(node, started, outcome, detail);
        }
    }

    /** The last finished run of each job that has run at least once. */
    public java.util.List<LastRun> lastRuns() {
        return em
                .createQuery("select l from RunLock l order by l.name", RunLock.class)
                .getResultList()
                .stream()
                .map(RunLock::lastRun)
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    /** Until when another run holds the lock (for the answer to a refused trigger). */
    public Instant heldUntil(String job) {
        RunLock lock = em.find(RunLock.class, job);
        return lock == null ? Instant.EPOCH : lock.lockedUntil();
    }
}
