package dev.spotbridge.backsync;

import dev.spotbridge.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * What of Spotler's interactions is on the D365 timeline: the ledger of interactions already there,
 * and the engagement of an email activity (open and click counts with first and last times, bounce
 * type) computed from it, so a repeated or overlapping feed never counts twice.
 */
@ApplicationScoped
@Transactional
public class Timeline {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    public boolean known(String interactionId) {
        return em.find(InteractionRow.class, interactionId) != null;
    }

    public void remember(Collection<InteractionRow> rows) {
        rows.forEach(em::persist);
    }

    /**
     * The email activity of the mail a contact was sent (the latest, if it was sent more than
     * once).
     */
    public Optional<String> emailActivity(String recordKey, String mailingId) {
        return em.createQuery(
                        "select r from InteractionRow r where r.recordKey = :key and r.mailingId = :mailing"
                                + " and r.kind = 'sent' order by r.at desc",
                        InteractionRow.class)
                .setParameter("key", recordKey)
                .setParameter("mailing", mailingId)
                .setMaxResults(1)
                .getResultStream()
                .map(InteractionRow::activityId)
                .findFirst();
    }

    /** The engagement columns of an email activity, from every interaction recorded for it. */
    public JsonObject engagement(String activityId) {
        List<InteractionRow> rows =
                em.createQuery(
                                "select r from InteractionRow r where r.activityId = :id and r.kind in ('opened', 'clicked', 'bounced')"
                                        + " order by r.at",
                                InteractionRow.class)
                        .setParameter("id", activityId)
                        .getResultList();
        JsonObjectBuilder columns = Json.createObjectBuilder();
        summarise(columns, rows, "opened", "sb_opencount", "sb_firstopenedon", "sb_lastopenedon");
        summarise(
                columns, rows, "clicked", "sb_clickcount", "sb_firstclickedon", "sb_lastclickedon");
        rows.stream()
                .filter(r -> "bounced".equals(r.kind()))
                .reduce((a, b) -> b)
                .ifPresent(
                        r ->
                                columns.add(
                                                "sb_bouncetype",
                                                "HARD".equalsIgnoreCase(r.bounceType())
                                                        ? "Hard"
                                                        : "Soft")
                                        .add("sb_bouncedon", time(r.at())));
        return columns.build();
    }

    private static void summarise(
            JsonObjectBuilder columns,
            List<InteractionRow> rows,
            String kind,
            String count,
            String first,
            String last) {
        List<InteractionRow> of = rows.stream().filter(r -> kind.equals(r.kind())).toList();
        columns.add(count, of.size());
        if (!of.isEmpty()) {
            columns.add(first, time(of.get(0).at())).add(last, time(of.get(of.size() - 1).at()));
        }
    }

    private static String time(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
