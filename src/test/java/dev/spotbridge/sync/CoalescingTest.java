package dev.spotbridge.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.queue.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CoalescingTest {

    private final AtomicLong now = new AtomicLong();

    private Coalescing coalescing(int max, Duration expiry) {
        Coalescing c = new Coalescing();
        c.maxEntries = max;
        c.expiry = expiry;
        c.nanoClock = now::get;
        return c;
    }

    private static ChangeEvent update(String id, Instant version) {
        return new ChangeEvent(
                UUID.randomUUID().toString(),
                "contact",
                id,
                "Update",
                ChangeEvent.Operation.UPSERT,
                version,
                0,
                Map.of(),
                true,
                null,
                null);
    }

    @Test
    void aFloodOfChangesNeverProcessedHereStaysWithinTheBound() {
        Coalescing c = coalescing(1000, Duration.ofHours(6));
        // rejected at the consumer, dead-lettered, or consumed by another node: never processed
        for (int i = 0; i < 100_000; i++) {
            c.queued(update(UUID.randomUUID().toString(), Instant.now()));
            now.incrementAndGet();
        }
        assertTrue(c.size() <= 1000, "" + c.size());
    }

    @Test
    void anEntryOlderThanTheExpiryNoLongerCoalesces() {
        Coalescing c = coalescing(1000, Duration.ofMinutes(10));
        String id = UUID.randomUUID().toString();
        Instant t = Instant.parse("2026-12-01T10:00:00Z");
        c.queued(update(id, t.plusSeconds(5)));
        assertEquals(Optional.of(t.plusSeconds(5)), c.newerThan(update(id, t)));
        now.addAndGet(Duration.ofMinutes(11).toNanos());
        assertEquals(Optional.empty(), c.newerThan(update(id, t)));
    }
}
