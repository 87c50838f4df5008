package dev.spotbridge.queue;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this node is working off a backlog towards Spotler: a thread of the sync drain took a
 * full batch, or bulk work (a backfill, a list sync, a campaign job) sent a batch of contacts,
 * within the last second. Work that can wait (the status write-back) gives it the CPU meanwhile, so
 * a backlog reaches Spotler first.
 */
@ApplicationScoped
public class SyncBacklog {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private volatile long lastFullBatch = System.nanoTime() - 2 * WINDOW_NANOS;

    /** The drain took as many changes as a batch holds, or bulk work sent a batch: more wait. */
    public void busy() {
        lastFullBatch = System.nanoTime();
    }

    public boolean draining() {
        return System.nanoTime() - lastFullBatch < WINDOW_NANOS;
    }
}
