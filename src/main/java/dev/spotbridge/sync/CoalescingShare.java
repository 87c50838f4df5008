package dev.spotbridge.sync;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every second, while more than one node is alive, the newest complete versions this node queued go
 * to their records' rows (sync_record.queued_version, only ever raised), so that a consumer on any
 * node skips a change a newer queued one covers. A record without a row yet (its first change still
 * queued) has nothing to cover. Alone, a node keeps them in memory only. A share still running when
 * the next second comes (rows locked by a batch) lets that one pass; the versions queued meanwhile
 * go with the share after it.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class CoalescingShare {

    @Inject Coalescing coalescing;

    @Inject NodePresence presence;

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    private final AtomicBoolean sharing = new AtomicBoolean();

    @Schedule(hour = "*", minute = "*", second = "*", persistent = false)
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void share() {
        if (!sharing.compareAndSet(false, true)) {
            return;
        }
        try {
            write();
        } finally {
            sharing.set(false);
        }
    }

    private void write() {
        Map<String, Instant> queued = coalescing.takeUnshared();
        if (queued.isEmpty() || presence.alive() < 2) {
            return;
        }
        queued.forEach(
                (key, version) ->
                        em.createNativeQuery(
                                        "UPDATE sync_record SET queued_version = ?1 WHERE record_key = ?2"
                                                + " AND (queued_version IS NULL OR queued_version < ?1)")
                                .setParameter(1, version)
                                .setParameter(2, key)
                                .executeUpdate());
    }
}
