package dev.spotbridge.queue;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this node's sync drain is working off a backlog: one of its threads took a full batch
 * within the last second. Work that can wait (the status write-back) gives the drain the CPU
 * meanwhile, so a backlog reaches Spotler first.
 */
@ApplicationScoped
public class SyncBacklog {

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private volatile long lastFullBatch = System.nanoTime() - 2 * WINDOW_NANOS;

    /** The drain took as many changes as a batch holds: more are waiting. */
    public void fullBatch() {
        lastFullBatch = System.nanoTime();
    }

    public boolean draining() {
        return System.nanoTime() - lastFullBatch < WINDOW_NANOS;
    }
}
