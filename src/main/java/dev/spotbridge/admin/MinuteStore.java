package dev.spotbridge.admin;

import dev.spotbridge.schema.SqlTimes;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The per-minute figures in metric_minute (migration V24): each node adds its counts and sets its
 * gauges under its own node id, so nodes never write the same row; reads sum counts and take the
 * highest gauge over all nodes.
 */
@ApplicationScoped
public class MinuteStore {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /** One minute of this node: counts added to what it holds, gauges replacing it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public void write(
            Instant minute, String node, Map<String, Long> counts, Map<String, Double> gauges) {
        counts.forEach((name, n) -> put(minute, node, name, n, true));
        gauges.forEach((name, v) -> put(minute, node, name, v, false));
    }

    private void put(Instant minute, String node, String name, double value, boolean add) {
        int updated =
                em.createNativeQuery(
                                "UPDATE metric_minute SET amount = "
                                        + (add ? "amount + ?1" : "?1")
                                        + " WHERE at_minute = ?2 AND node = ?3 AND name = ?4")
                        .setParameter(1, value)
                        .setParameter(2, minute)
                        .setParameter(3, node)
                        .setParameter(4, name)
                        .executeUpdate();
        if (updated == 0) {
            em.createNativeQuery(
                            "INSERT INTO metric_minute (at_minute, node, name, amount)"
                                    + " VALUES (?1, ?2, ?3, ?4)")
                    .setParameter(1, minute)
                    .setParameter(2, node)
                    .setParameter(3, name)
                    .setParameter(4, value)
                    .executeUpdate();
        }
    }

    /** A minute's figure over all nodes: the sum (counts) and the highest (gauges). */
    public record Figure(Instant minute, String name, double sum, double max) {}

    @Transactional(Transactional.TxType.SUPPORTS)
    public List<Figure> since(Instant from) {
        List<?> rows =
                em.createNativeQuery(
                                "SELECT at_minute, name, SUM(amount), MAX(amount) FROM metric_minute"
                                        + " WHERE at_minute >= ?1 GROUP BY at_minute, name ORDER BY at_minute")
                        .setParameter(1, from)
                        .getResultList();
        return rows.stream()
                .map(r -> (Object[]) r)
                .map(
                        r ->
                                new Figure(
                                        SqlTimes.instant(r[0]),
                                        (String) r[1],
                                        ((Number) r[2]).doubleValue(),
                                        ((Number) r[3]).doubleValue()))
                .toList();
    }
}
