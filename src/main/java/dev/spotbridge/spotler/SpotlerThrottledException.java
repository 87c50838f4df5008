package dev.spotbridge.spotler;

import dev.spotbridge.http.Throttling;
import java.time.Duration;
import java.util.Optional;

/**
 * The client-side Spotler request rate (spotler.max-requests-per-second) had no room for this call
 * within the wait it allows, or Spotler answered 429 with a Retry-After longer than the gateway
 * waits. Not a fault of Spotler: the circuit breaker skips it and it is not retried at once; the
 * change that needed the call goes back on the queue for a later try, without counting as a failed
 * attempt.
 */
public class SpotlerThrottledException extends SpotlerUnavailableException implements Throttling {

    private final Duration retryAfter;

    public SpotlerThrottledException(String message) {
        this(message, null);
    }

    public SpotlerThrottledException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    @Override
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    SpotlerThrottledException in(String call) {
        return new SpotlerThrottledException(call + ": " + getMessage(), retryAfter);
    }
}
