package dev.spotbridge.dataverse;

import dev.spotbridge.schema.SqlTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Grants of a request budget shared by all nodes (migration V25): in one short transaction under
 * the budget row's lock, the grants of the last span are added up and a new grant is made only
 * where it fits. The database's clock is the only clock, so nodes whose clocks differ still share
 * one window.
 */
@ApplicationScoped
public class BudgetGrants {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /**
     * A grant of {@code amount} requests (0: none fits), and when one of {@code at least} would
     * fit.
     */
    public record Grant(int amount, Instant now, Instant retryAt) {}

    /**
     * @param want how many the node would like (it keeps what it does not use for a few seconds)
     * @param atLeast how many it needs now
     * @param limit the budget of a span
     * @param spanMillis the window the budget is for, plus the few seconds a node may keep a grant
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Grant take(String name, String node, int want, int atLeast, int limit, long spanMillis) {
        em.createNativeQuery("SELECT name FROM request_budget WHERE name = ?1 FOR UPDATE")
                .setParameter(1, name)
                .getResultList();
        Instant now = now();
        Instant from = now.minusMillis(spanMillis);
        em.createNativeQuery("DELETE FROM budget_grant WHERE name = ?1 AND granted_at < ?2")
                .setParameter(1, name)
                .setParameter(2, from)
                .executeUpdate();
        List<?> grants =
                em.createNativeQuery(
                                "SELECT granted_at, amount FROM budget_grant WHERE name = ?1"
                                        + " AND granted_at >= ?2 ORDER BY granted_at")
                        .setParameter(1, name)
                        .setParameter(2, from)
                        .getResultList();
        long used = 0;
        for (Object row : grants) {
            used += ((Number) ((Object[]) row)[1]).longValue();
        }
        long room = limit - used;
        if (room >= atLeast) {
            int amount = (int) Math.min(want, room);
            em.createNativeQuery(
                            "INSERT INTO budget_grant (name, node, granted_at, amount)"
                                    + " VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, name)
                    .setParameter(2, node)
                    .setParameter(3, now)
                    .setParameter(4, amount)
                    .executeUpdate();
            return new Grant(amount, now, now);
        }
        // the oldest grants leave the window first: when enough of them have, the request fits
        long freed = 0;
        for (Object row : grants) {
            Object[] r = (Object[]) row;
            freed += ((Number) r[1]).longValue();
            if (room + freed >= atLeast) {
                return new Grant(0, now, SqlTimes.instant(r[0]).plusMillis(spanMillis));
            }
        }
        return new Grant(0, now, now.plusMillis(spanMillis));
    }

    private Instant now() {
        return SqlTimes.instant(em.createNativeQuery("SELECT CURRENT_TIMESTAMP").getSingleResult());
    }
}
