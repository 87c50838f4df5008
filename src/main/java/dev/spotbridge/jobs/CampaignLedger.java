package dev.spotbridge.jobs;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-contact ledger of campaign jobs, each entry committed on its own (not with the job's
 * transaction, which rolls back when the job is interrupted): before a contact's call the entry
 * says CALLING, after it DONE or FAILED. A job that runs again skips every contact it has an entry
 * for, so a trigger reaches each contact at most once per job; a contact left CALLING (the node
 * died during its call) is not called again, and the result says so.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.REQUIRES_NEW)
public class CampaignLedger {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /** What the job did so far, per contact id. */
    public Map<String, CampaignContact> of(String jobId) {
        Map<String, CampaignContact> done = new LinkedHashMap<>();
        em.createQuery(
                        "select c from CampaignContact c where c.key.jobId = :job",
                        CampaignContact.class)
                .setParameter("job", jobId)
                .getResultStream()
                .forEach(c -> done.put(c.contactId(), c));
        return done;
    }

    /** The call of a contact is about to be made. */
    public void calling(String jobId, String contactId) {
        em.persist(new CampaignContact(jobId, contactId));
    }

    /** The call of a contact did not reach Spotler: the next attempt makes it. */
    public void notMade(String jobId, String contactId) {
        CampaignContact entry =
                em.find(CampaignContact.class, new CampaignContact.Key(jobId, contactId));
        if (entry != null) {
            em.remove(entry);
        }
    }

    /** The call of a contact was made: its outcome. */
    public void ended(String jobId, String contactId, boolean done, String reason) {
        CampaignContact entry =
                em.find(CampaignContact.class, new CampaignContact.Key(jobId, contactId));
        entry.ended(done, reason);
    }
}
