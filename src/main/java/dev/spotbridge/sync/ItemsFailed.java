package dev.spotbridge.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Spotler took a batch's write but not all of its contacts: the batch's transaction rolls back, it
 * is done again without them (Spotler's writes are idempotent, so the contacts it took are simply
 * written again), and their changes are handled on their own: a contact Spotler refused for good
 * (PROPERTY_INVALID, …) fails without another call, one it answered ERROR for (or whose batch's
 * request as a whole was refused) is tried alone.
 */
class ItemsFailed extends RuntimeException {

    private final transient Map<String, String> refused;

    private final transient Map<String, String> failed;

    /**
     * @param refused per record id, what Spotler answered: refused for good
     * @param failed per record id, why it should be tried alone
     */
    ItemsFailed(Map<String, String> refused, Map<String, String> failed) {
        super(
                "Spotler refused "
                        + refused.size()
                        + " and failed "
                        + failed.size()
                        + " contact(s) of the batch: "
                        + refused.keySet()
                        + " "
                        + failed.keySet());
        this.refused = Map.copyOf(refused);
        this.failed = Map.copyOf(failed);
    }

    Map<String, String> refused() {
        return refused;
    }

    /** Every record named: refused or failed. */
    Map<String, String> all() {
        Map<String, String> all = new LinkedHashMap<>(failed);
        all.putAll(refused);
        return all;
    }
}
