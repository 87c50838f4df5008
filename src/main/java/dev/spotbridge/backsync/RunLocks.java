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
        RunLock lock = em.find(RunLock.class, job, LockModeType.PESSIMISTIC_WRITE);
        if (lock == null) {
            throw new IllegalStateException(
                    "no run_lock row for " + job + " (migration V4 missing?)");
        }
        Instant now = Instant.now();
        if (lock.holder() != null && lock.lockedUntil().isAfter(now)) {
            return Optional.empty();
        }
        String holder = node + "/" + UUID.randomUUID();
        lock.take(holder, now.plus(Duration.ofMinutes(lockMinutes)));
        return Optional.of(holder);
    }

    public void release(String job, String holder) {
        RunLock lock = em.find(RunLock.class, job, LockModeType.PESSIMISTIC_WRITE);
        if (lock != null && holder.equals(lock.holder())) {
            lock.take(null, Instant.EPOCH);
        }
    }

    /** Until when another run holds the lock (for the answer to a refused trigger). */
    public Instant heldUntil(String job) {
        RunLock lock = em.find(RunLock.class, job);
        return lock == null ? Instant.EPOCH : lock.lockedUntil();
    }
}
