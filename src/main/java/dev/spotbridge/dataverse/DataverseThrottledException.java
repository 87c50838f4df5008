package dev.spotbridge.dataverse;

import java.time.Duration;
import java.util.Optional;

/**
 * Spotbridge's own request budget for Dataverse (the service protection limit) has no room for this
 * call within the wait it allows, or Dataverse answered 429 with a Retry-After longer than the
 * gateway waits. Not a fault of Dataverse: it does not count against the circuit breaker and is not
 * retried at once; the change that needed the call goes back on the queue for later without
 * counting as a failed attempt, so a backlog drains at the rate the limit allows.
 */
public class DataverseThrottledException extends DataverseUnavailableException
        implements dev.spotbridge.http.Throttling {

    private final Duration retryAfter;

    public DataverseThrottledException(String message) {
        this(message, null);
    }

    public DataverseThrottledException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
