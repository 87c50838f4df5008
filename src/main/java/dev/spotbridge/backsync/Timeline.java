package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.Activities;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
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

    /** What became of an email activity, from every interaction recorded for it. */
    public Activities.Engagement engagement(String activityId) {
        List<InteractionRow> rows =
                em.createQuery(
                                "select r from InteractionRow r where r.activityId = :id and r.kind in ('opened', 'clicked', 'bounced')"
                                        + " order by r.at",
                                InteractionRow.class)
                        .setParameter("id", activityId)
                        .getResultList();
        List<InteractionRow> opens = of(rows, "opened");
        List<InteractionRow> clicks = of(rows, "clicked");
        Optional<InteractionRow> bounce =
                rows.stream().filter(r -> "bounced".equals(r.kind())).reduce((a, b) -> b);
        return new Activities.Engagement(
                opens.size(),
                opens.isEmpty() ? null : opens.get(0).at(),
                opens.isEmpty() ? null : opens.get(opens.size() - 1).at(),
                clicks.size(),
                clicks.isEmpty() ? null : clicks.get(0).at(),
                clicks.isEmpty() ? null : clicks.get(clicks.size() - 1).at(),
                bounce.map(r -> "HARD".equalsIgnoreCase(r.bounceType()) ? "Hard" : "Soft")
                        .orElse(null),
                bounce.map(InteractionRow::at).orElse(null),
                clicks.stream().map(c -> new Activities.ClickedLink(c.at(), c.linkUrl())).toList());
    }

    private static List<InteractionRow> of(List<InteractionRow> rows, String kind) {
        return rows.stream().filter(r -> kind.equals(r.kind())).toList();
    }
}
