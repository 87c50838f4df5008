package dev.spotbridge.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The charts' p50 and p99, read from per-minute latency buckets of all nodes together. */
class LatencyQuantileTest {

    @Test
    void aLatencyCountsInTheSmallestBucketItFits() {
        assertEquals(0, SyncMetrics.bucketOf(0.001));
        assertEquals(0, SyncMetrics.bucketOf(0.005));
        assertEquals(1, SyncMetrics.bucketOf(0.006));
        assertEquals(SyncMetrics.latencyBuckets() - 1, SyncMetrics.bucketOf(7200));
    }

    @Test
    void quantilesInterpolateWithinTheirBucket() {
        long[] counts = new long[SyncMetrics.latencyBuckets()];
        // 98 changes of 50 ms or less (bucket 25–50 ms), 2 of up to 1 s (bucket 0.75–1 s)
        counts[SyncMetrics.bucketOf(0.04)] = 98;
        counts[SyncMetrics.bucketOf(0.9)] = 2;
        double p50 = SyncMetrics.quantileMillis(counts, 0.5);
        assertTrue(p50 > 25 && p50 <= 50, "p50 " + p50);
        double p99 = SyncMetrics.quantileMillis(counts, 0.99);
        assertTrue(p99 > 750 && p99 <= 1000, "p99 " + p99);
        assertTrue(Double.isNaN(SyncMetrics.quantileMillis(new long[counts.length], 0.5)));
    }
}
