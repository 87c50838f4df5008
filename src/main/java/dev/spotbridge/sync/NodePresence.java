package dev.spotbridge.sync;

import dev.spotbridge.schema.SqlTimes;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Which nodes are alive: each renews its row of node_presence (V25) every 5 s and counts the rows
 * renewed within the last 20 s. What a node must share with the others per second (the Spotler
 * request rate) it divides by that count; what only pays off with several nodes (sharing queued
 * versions) it does only then. A renewal still running when the next is due (the database slow to
 * answer) lets that one pass: the callers of {@link #alive()} never wait on it, and no tick waits
 * for another's lock and fails.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class NodePresence {

    private static final Logger LOG = Logger.getLogger(NodePresence.class.getName());

    /** A node not heard of for this long is gone. */
    static final long ALIVE_SECONDS = 20;

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    private final AtomicInteger alive = new AtomicInteger(1);

    private final AtomicBoolean renewing = new AtomicBoolean();

    @PostConstruct
    void start() {
        renew();
    }

    @Schedule(hour = "*", minute = "*", second = "*/5", persistent = false)
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void renew() {
        if (!renewing.compareAndSet(false, true)) {
            return;
        }
        try {
            count();
        } finally {
            renewing.set(false);
        }
    }

    private void count() {
        Instant now =
                SqlTimes.instant(
                        em.createNativeQuery("SELECT CURRENT_TIMESTAMP").getSingleResult());
        int updated =
                em.createNativeQuery("UPDATE node_presence SET seen_at = ?1 WHERE node = ?2")
                        .setParameter(1, now)
                        .setParameter(2, node)
                        .executeUpdate();
        if (updated == 0) {
            em.createNativeQuery("INSERT INTO node_presence (node, seen_at) VALUES (?1, ?2)")
                    .setParameter(1, node)
                    .setParameter(2, now)
                    .executeUpdate();
        }
        long n =
                ((Number)
                                em.createNativeQuery(
                                                "SELECT COUNT(*) FROM node_presence WHERE seen_at >= ?1")
                                        .setParameter(1, now.minusSeconds(ALIVE_SECONDS))
                                        .getSingleResult())
                        .longValue();
        int before = alive.getAndSet((int) Math.max(1, n));
        if (before != alive.get()) {
            LOG.info(() -> "nodes alive: " + alive.get() + " (was " + before + ")");
        }
    }

    /** The nodes alive now, this one included (1 before any count). */
    public int alive() {
        return alive.get();
    }
}
