package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.writeback.WritebackQueue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * A contact unsubscribed in Spotler — found on a write (CONTACT_OPTOUT) or by the hourly pull — or
 * is active there again: the record's switches, the consent ledger, and (through the write-back)
 * D365's donotbulkemail and sync status. In the transaction of the change that found it (the hourly
 * pull's finding in one of its own).
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class SpotlerOptOuts {

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    @Inject SyncRecords records;

    @Inject ConsentLedger ledger;

    @Inject WritebackQueue writeback;

    /**
     * The contact is opted out in Spotler: D365 is to be told (bulk email "do not allow", status
     * OptOut) and nothing more is written to Spotler until a resync.
     *
     * @param detail what found it
     * @return the history text: what found it and what follows
     */
    public String optedOut(SyncRecord record, String detail, String eventKey) {
        boolean wasBulkOptOut = record.bulkEmailOptOut();
        record.optedOut(true);
        record.bulkEmailOptOut(true);
        ledger.record(
                record,
                Source.Spotler,
                ConsentLedger.SPOTLER_OPT_OUT,
                "Spotler subscription",
                "active",
                "opted out",
                eventKey);
        if (!wasBulkOptOut) {
            ledger.record(
                    record,
                    Source.Spotler,
                    ConsentLedger.BULK_EMAIL,
                    "bulk email (donotbulkemail)",
                    "allow",
                    "do not allow",
                    eventKey);
        }
        return detail
                + "; opted out in Spotler: D365 set to bulk email 'do not allow', "
                + "sync stopped until a resync";
    }

    /** The address is active in Spotler again (found by a resync): syncing may go on. */
    public void reactivated(SyncRecord record, String eventKey) {
        record.optedOut(false);
        ledger.record(
                record,
                Source.Spotler,
                ConsentLedger.SPOTLER_OPT_OUT,
                "Spotler subscription",
                "opted out",
                "active",
                eventKey);
    }

    /**
     * The hourly pull found the contact opted out in Spotler.
     *
     * @return false when Spotbridge does not sync that externalId, or already knows
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public boolean foundByPull(String externalId) {
        String id = DataverseValues.guid(externalId);
        if (id == null) {
            return false;
        }
        boolean found = false;
        for (SyncRecord record : records.withIds(List.of(id))) {
            if (record.optedOut() || record.deleted() || record.blanked()) {
                continue;
            }
            String detail =
                    optedOut(record, "found by the hourly pull of Spotler's contact changes", null);
            em.persist(
                    new SyncHistoryEntry(
                            record.key(), "SpotlerChanges", "Succeeded", detail, null));
            writeback.request(record);
            found = true;
        }
        return found;
    }
}
