package dev.spotbridge.sync;

import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

/**
 * A failure that says an outside service is down (5xx, no answer in time, its circuit open), not
 * that anything is wrong with the changes: they wait on the queue, however long the outage lasts
 * (up to spotbridge.sync.outage-hold-hours), instead of using up their delivery attempts.
 */
final class Outage {

    private Outage() {}

    static boolean in(Throwable failure) {
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
}
