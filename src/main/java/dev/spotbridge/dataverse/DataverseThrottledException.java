package dev.spotbridge.dataverse;

/**
 * Spotbridge's own request budget for Dataverse (the service protection limit) has no room for this
 * call within the wait it allows. Not a fault of Dataverse: it does not count against the circuit
 * breaker and is not retried at once; the message that needed the call is rolled back and
 * redelivered after the broker's back-off, so a backlog drains at the rate the limit allows.
 */
public class DataverseThrottledException extends DataverseUnavailableException {

    public DataverseThrottledException(String message) {
        super(message);
    }
}
