package dev.spotbridge.spotler;

/**
 * The client-side Spotler request rate (spotler.max-requests-per-second) had no room for this call
 * within the wait it allows. Not a fault of Spotler: the circuit breaker skips it and it is not
 * retried at once; the message that needed the call goes back to the queue for a later try.
 */
public class SpotlerThrottledException extends SpotlerUnavailableException {

    public SpotlerThrottledException(String message) {
        super(message);
    }
}
