package dev.spotbridge.http;

import java.time.Duration;
import java.util.Optional;

/**
 * A call that was not made because a request limit had no room for it (our own budget or rate, or a
 * 429 whose Retry-After is longer than a call waits). The work that needed it is put off, not
 * failed.
 */
public interface Throttling {

    /** How long the service asked us to wait, when it said. */
    Optional<Duration> retryAfter();

    /** The throttling in a failure's cause chain, if there is one. */
    static Optional<Throttling> in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Throttling throttling) {
                return Optional.of(throttling);
            }
        }
        return Optional.empty();
    }
}
