package dev.spotbridge.sync;

import dev.spotbridge.queue.ChangeEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Coalescing of bursts: the newest complete change (a Create, or an Update with its post image)
 * this node has queued per record. A queued change older than that is skipped when its turn comes,
 * because the newer one carries its values and is processed after it — so a burst of updates to one
 * record costs one or two Spotler writes, not one per update. Only an optimisation: held in memory
 * (lost on restart, one map per node), it never makes the consumer skip a change whose values no
 * queued change carries.
 */
@ApplicationScoped
public class Coalescing {

    private final Map<String, Instant> newestComplete = new ConcurrentHashMap<>();

    /** Called once the change is on the queue. */
    public void queued(ChangeEvent event) {
        if (event.operation() == ChangeEvent.Operation.UPSERT
                && event.complete()
                && event.version() != null) {
            newestComplete.merge(event.group(), event.version(), (a, b) -> a.isAfter(b) ? a : b);
        }
    }

    /** The version of a newer complete change of the record already queued, if there is one. */
    Optional<Instant> newerThan(ChangeEvent event) {
        if (event.operation() != ChangeEvent.Operation.UPSERT || event.version() == null) {
            return Optional.empty();
        }
        Instant newest = newestComplete.get(event.group());
        return newest != null && newest.isAfter(event.version())
                ? Optional.of(newest)
                : Optional.empty();
    }

    /** A change of the record was processed: forget what it covers. */
    void processed(ChangeEvent event) {
        if (event.version() != null) {
            newestComplete.computeIfPresent(
                    event.group(), (k, newest) -> newest.isAfter(event.version()) ? newest : null);
        }
    }
}
