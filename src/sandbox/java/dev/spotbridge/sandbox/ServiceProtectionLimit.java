package dev.spotbridge.sandbox;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Dataverse's service protection limit on the number of requests per user in a sliding window (6000
 * in 300 s in a real org; off in the sandbox until a test sets it): a request over it is answered
 * 429 with Retry-After, and every operation of a $batch counts. Keeps what a test reads: how many
 * requests were refused, and the most any window held.
 */
final class ServiceProtectionLimit {

    private int maxRequests;
    private long windowMillis = 300_000;
    private final Deque<long[]> admitted = new ArrayDeque<>();
    private long inWindow;
    private long maxInWindow;
    private long throttled;

    /** Sets the limit (0: none) and forgets what was counted. */
    synchronized void set(int maxRequests, long windowSeconds) {
        this.maxRequests = Math.max(0, maxRequests);
        this.windowMillis = Math.max(1, windowSeconds) * 1000;
        admitted.clear();
        inWindow = 0;
        maxInWindow = 0;
        throttled = 0;
    }

    /**
     * @return -1 when the requests are admitted (and counted), else the seconds until the window
     *     has room for them (the Retry-After of the 429)
     */
    synchronized long admit(long requests) {
        if (maxRequests == 0) {
            return -1;
        }
        long now = System.currentTimeMillis();
        while (!admitted.isEmpty() && admitted.peekFirst()[0] <= now - windowMillis) {
            inWindow -= admitted.pollFirst()[1];
        }
        if (inWindow + requests > maxRequests) {
            throttled++;
            long freed = 0;
            for (long[] a : admitted) {
                freed += a[1];
                if (inWindow - freed + requests <= maxRequests) {
                    return Math.max(1, (a[0] + windowMillis - now + 999) / 1000);
                }
            }
            return Math.max(1, windowMillis / 1000);
        }
        admitted.addLast(new long[] {now, requests});
        inWindow += requests;
        maxInWindow = Math.max(maxInWindow, inWindow);
        return -1;
    }

    synchronized int maxRequests() {
        return maxRequests;
    }

    synchronized long windowSeconds() {
        return windowMillis / 1000;
    }

    synchronized long throttled() {
        return throttled;
    }

    synchronized long maxInWindow() {
        return maxInWindow;
    }
}
