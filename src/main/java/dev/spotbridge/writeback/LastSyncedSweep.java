package dev.spotbridge.writeback;

import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.logging.Logger;

/**
 * Every minute: the records whose newer sync time has waited its interval (sb_lastsyncedon is
 * written at most once per spotbridge.last-synced-interval) get their write-back, so D365 is never
 * behind by more than the interval. On several nodes each asks; the write-back writes what differs
 * only, so a second ask writes nothing.
 */
@Singleton
public class LastSyncedSweep {

    private static final Logger LOG = Logger.getLogger(LastSyncedSweep.class.getName());

    /** Enough for one minute's write-back batches; the rest waits for the next minute. */
    private static final int PER_MINUTE = 10_000;

    @Inject WritebackQueue queue;

    @Schedule(hour = "*", minute = "*", second = "30", persistent = false)
    void sweep() {
        int asked = queue.requestDue(Instant.now(), PER_MINUTE);
        if (asked > 0) {
            LOG.fine(() -> asked + " record(s) with a sync time due in D365 asked for write-back");
        }
    }
}
