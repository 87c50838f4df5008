package dev.spotbridge.sync;

import dev.spotbridge.queue.ChangeEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Coalescing of bursts: the newest complete change (a Create, or an Update with its post image)
 * this node has queued per record. A queued change older than that is skipped when its turn comes,
 * because the newer one carries its values and is processed after it — so a burst of updates to one
 * record costs one or two Spotler writes, not one per update. Only an optimisation: held in memory
 * (lost on restart, one map per node), it never makes the consumer skip a change whose values no
 * queued change carries. With several nodes, what each queued is also written to the record's row
 * every second ({@link CoalescingShare}), so a change queued on one node covers older ones another
 * node takes.
 *
 * <p>Bounded: an entry is forgotten when a change of its record covering it is processed here, when
 * it is older than spotbridge.sync.coalescing-expiry (a change dead-lettered, or consumed by
 * another node, is never processed here), and, when the map holds
 * spotbridge.sync.coalescing-max-entries, the oldest go. Forgetting costs at most a write that
 * coalescing would have saved.
 */
@ApplicationScoped
public class Coalescing {

    private record Entry(Instant version, long queuedNanos) {}

    private final Map<String, Entry> newestComplete = new ConcurrentHashMap<>();

    /** What this node queued and has not yet told the other nodes ({@link CoalescingShare}). */
    private final Map<String, Instant> unshared = new ConcurrentHashMap<>();

    @Inject
    @ConfigProperty(name = "spotbridge.sync.coalescing-max-entries", defaultValue = "100000")
    int maxEntries;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.coalescing-expiry", defaultValue = "PT6H")
    Duration expiry;

    LongSupplier nanoClock = System::nanoTime;

    /** Called once the change is on the queue. */
    public void queued(ChangeEvent event) {
        if (event.operation() == ChangeEvent.Operation.UPSERT
                && event.complete()
                && event.version() != null) {
            long now = nanoClock.getAsLong();
            if (newestComplete.size() >= maxEntries && !newestComplete.containsKey(event.group())) {
                shrink(now);
            }
            newestComplete.merge(
                    event.group(),
                    new Entry(event.version(), now),
                    (a, b) -> a.version().isAfter(b.version()) ? a : b);
            if (unshared.size() < maxEntries) {
                unshared.merge(event.group(), event.version(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    /** The newest complete versions queued here since the last call, taken away. */
    Map<String, Instant> takeUnshared() {
        Map<String, Instant> taken = new java.util.HashMap<>();
        for (String group : unshared.keySet()) {
            Instant version = unshared.remove(group);
            if (version != null) {
                taken.put(group, version);
            }
        }
        return taken;
    }

    /** The version of a newer complete change of the record already queued, if there is one. */
    Optional<Instant> newerThan(ChangeEvent event) {
        return newerThan(event, null);
    }

    /**
     * @param shared the newest complete version any node has queued, as the record's row holds it
     *     (null: none known)
     */
    Optional<Instant> newerThan(ChangeEvent event, Instant shared) {
        if (event.operation() != ChangeEvent.Operation.UPSERT || event.version() == null) {
            return Optional.empty();
        }
        Entry newest = newestComplete.get(event.group());
        Instant here =
                newest == null || expired(newest, nanoClock.getAsLong()) ? null : newest.version();
        Instant known = here == null || (shared != null && shared.isAfter(here)) ? shared : here;
        return known != null && known.isAfter(event.version())
                ? Optional.of(known)
                : Optional.empty();
    }

    /** A change of the record was processed: forget what it covers. */
    void processed(ChangeEvent event) {
        if (event.version() != null) {
            newestComplete.computeIfPresent(
                    event.group(),
                    (k, newest) -> newest.version().isAfter(event.version()) ? newest : null);
        }
    }

    /** Records with an entry now. */
    int size() {
        return newestComplete.size();
    }

    private boolean expired(Entry entry, long now) {
        return now - entry.queuedNanos() > expiry.toNanos();
    }

    /** The expired entries go; if the map is still full, the oldest tenth. */
    private synchronized void shrink(long now) {
        if (newestComplete.size() < maxEntries) {
            return;
        }
        newestComplete.values().removeIf(e -> expired(e, now));
        int excess = newestComplete.size() - maxEntries + Math.max(1, maxEntries / 10);
        if (excess > 0) {
            newestComplete.entrySet().stream()
                    .sorted(
                            Map.Entry.comparingByValue(
                                    java.util.Comparator.comparingLong(Entry::queuedNanos)))
                    .limit(excess)
                    .map(Map.Entry::getKey)
                    .toList()
                    .forEach(newestComplete::remove);
        }
    }
}
