package dev.spotbridge.consent;

import dev.spotbridge.consent.ConsentChange.Source;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.spotler.PermissionBits;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The permission bits a write of a record carries, by its bulk-email choice: all off while the
 * record does not allow bulk email; back to "allow", or on a first or full write, the bits of its
 * sb_permission rows. A change of the choice is recorded in the consent ledger.
 */
@ApplicationScoped
@Transactional(Transactional.TxType.MANDATORY)
public class Permissions {

    @Inject PermissionBits permissionBits;

    @Inject PermissionSync rows;

    @Inject ConsentLedger ledger;

    /**
     * @param doNotBulkEmail D365's donotbulkemail as the change carries it; null: not given (the
     *     record's last known choice holds)
     * @param everything a first or full write
     * @return the bits to write; empty when the write leaves the contact's permissions alone
     */
    public Map<Long, Boolean> forWrite(
            SyncRecord record, Boolean doNotBulkEmail, boolean everything) {
        boolean was = record.bulkEmailOptOut();
        boolean now = doNotBulkEmail == null ? was : doNotBulkEmail;
        if (now != was) {
            record.bulkEmailOptOut(now);
            ledger.record(
                    record,
                    Source.D365,
                    ConsentLedger.BULK_EMAIL,
                    "bulk email (donotbulkemail)",
                    !record.inSpotler() ? null : was ? "do not allow" : "allow",
                    now ? "do not allow" : "allow",
                    null);
        }
        if (now && (now != was || everything)) {
            Map<Long, Boolean> off = new LinkedHashMap<>();
            permissionBits.all().forEach(bit -> off.put(bit, false));
            record.writtenPermissions().keySet().forEach(bit -> off.put(bit, false));
            return off;
        }
        if (!now && now != was) {
            // back to "allow": the record's rows say which bits are on, every other bit stays off
            return rows.fromDataverse(record, true);
        }
        if (!now && everything) {
            // a first or full write: the bits the record's rows name, nothing else is touched
            return rows.fromDataverse(record, false);
        }
        return Map.of();
    }
}
