package dev.spotbridge.writeback;

import java.util.function.LongSupplier;

/**
 * When the status write-back gives way to the sync drain. While the drain works off a backlog, the
 * write-back pauses: its requests wait on their queue (their state is in the database, and a later
 * write writes the latest), and the CPU goes to getting the backlog into Spotler, which is what
 * users wait for. It yields for at most spotbridge.writeback.yield-seconds at a time; then it
 * writes until it has caught up (a batch that was not full) before it yields again, so a D365
 * status lags its sync by about that long at most, however long the backlog lasts. 0 never yields.
 */
final class WritebackYield {

    /** How long a yielding write-back thread waits before it looks again. */
    static final long PAUSE_MILLIS = 200;

    private final long maxNanos;

    private final LongSupplier nanoClock;

    private boolean yielding;

    private long since;

    private boolean catchingUp;

    WritebackYield(long maxSeconds, LongSupplier nanoClock) {
        this.maxNanos = Math.max(0, maxSeconds) * 1_000_000_000L;
        this.nanoClock = nanoClock;
    }

    /**
     * @param draining whether the sync drain is working off a backlog now
     * @return how long the write-back waits before it looks again (0: it writes a batch now)
     */
    synchronized long pauseMillis(boolean draining) {
        if (maxNanos == 0 || !draining) {
            yielding = false;
            return 0;
        }
        if (catchingUp) {
            return 0;
        }
        long now = nanoClock.getAsLong();
        if (!yielding) {
            yielding = true;
            since = now;
        }
        if (now - since < maxNanos) {
            return PAUSE_MILLIS;
        }
        yielding = false;
        catchingUp = true;
        return 0;
    }

    /** A batch was written: one that was not full means the write-back has caught up. */
    synchronized void wrote(boolean full) {
        if (!full) {
            catchingUp = false;
        }
    }
}
