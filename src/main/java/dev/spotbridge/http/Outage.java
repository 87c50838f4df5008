package dev.spotbridge.http;

import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A failure that says an outside service is down (5xx, no answer in time, its circuit open), not
 * that anything is wrong with the changes: they wait on the queue, however long the outage lasts
 * (up to spotbridge.sync.outage-hold-hours), instead of using up their delivery attempts.
 */
public final class Outage {

    private Outage() {}

    public static boolean in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SpotlerUnavailableException
                    || t instanceof DataverseUnavailableException
                    || t instanceof CircuitBreakerOpenException
                    || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a change that came in at enqueuedAt (epoch ms) still waits out an outage at now: for
     * holdHours after it came in; after that its attempts count again, so a change cannot wait on
     * the queue for ever.
     */
    public static boolean waitsOut(long enqueuedAt, long now, long holdHours) {
        return enqueuedAt > now - holdHours * 3_600_000L;
    }
}
