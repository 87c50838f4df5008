package dev.spotbridge.http;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * A client-side request rate: at most perSecond requests a second on average, with up to one
 * second's worth at once after a quiet spell. A caller waits for its turn, but never longer than
 * maxWait: then {@link #acquire()} answers false and reserves nothing, so the caller can give its
 * work back (a message to the queue) instead of holding a thread. perSecond ≤ 0 means no limit.
 */
public final class RateLimit {

    private final DoubleSupplier perSecond;
    private final long burstNanos;
    private final long maxWaitNanos;
    private long nextFree = Long.MIN_VALUE;

    public RateLimit(double perSecond, Duration maxWait) {
        this(() -> perSecond, maxWait);
    }

    /**
     * @param perSecond the rate now, read at each request (a cluster's rate shared among the nodes
     *     alive)
     */
    public RateLimit(DoubleSupplier perSecond, Duration maxWait) {
        this.perSecond = perSecond;
        this.burstNanos = 1_000_000_000L;
        this.maxWaitNanos = maxWait.toNanos();
    }

    /**
     * @return true once the caller may send; false when its turn is further away than maxWait
     */
    public boolean acquire() throws InterruptedException {
        double rate = perSecond.getAsDouble();
        if (rate <= 0) {
            return true;
        }
        long intervalNanos = (long) (1_000_000_000L / rate);
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            long start = Math.max(nextFree, now - burstNanos);
            wait = start - now;
            if (wait > maxWaitNanos) {
                return false;
            }
            nextFree = start + intervalNanos;
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return true;
    }
}
