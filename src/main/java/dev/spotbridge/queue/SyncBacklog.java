package dev.spotbridge.queue;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Whether this node is working off a backlog towards Spotler: the sync drain took full batch after
 * full batch (at least {@link #FULL_BATCHES} in a row: a backlog of several hundred changes, not a
 * burst that the next batch clears), or bulk work (a backfill, a list sync, a campaign job) sent a
 * batch of contacts, within the last second. Work that can wait (the status write-back) gives it
 * the CPU meanwhile, so a backlog reaches Spotler first.
 */
@ApplicationScoped
public class SyncBacklog {

    /** Full batches in a row that make a backlog. */
    static final int FULL_BATCHES = 5;

    private static final long WINDOW_NANOS = 1_000_000_000L;

    private final AtomicInteger fullInARow = new AtomicInteger();

    private volatile long lastBusy = System.nanoTime() - 2 * WINDOW_NANOS;

    /** Batches being applied now on this node. */
    private final AtomicInteger applying = new AtomicInteger();

    private volatile boolean lastFull;

    /** The drain took a batch: a full one means more changes were waiting. */
    public void batchTaken(boolean full) {
        lastFull = full;
        if (!full) {
            fullInARow.set(0);
        } else if (fullInARow.incrementAndGet() >= FULL_BATCHES) {
            busy();
        }
    }

    /** Bulk work sent a batch of contacts to Spotler: more are to come. */
    public void busy() {
        lastBusy = System.nanoTime();
    }

    /** A batch is being applied (true) or was (false). */
    public void applying(boolean started) {
        if (started) {
            applying.incrementAndGet();
        } else {
            applying.decrementAndGet();
        }
    }

    /**
     * Whether the drain's helper threads should take batches too: every one of its core threads is
     * applying a batch, and the last batch taken was not full. That is a drain bound by the wait
     * for Spotler's answers, not by a backlog: a batch of a backlog is full, and more threads would
     * only split it into more calls.
     *
     * @param core the drain's core threads (spotbridge.sync.consumers)
     */
    public boolean helpWanted(int core) {
        return !lastFull && applying.get() >= core;
    }

    public boolean draining() {
        return System.nanoTime() - lastBusy < WINDOW_NANOS;
    }
}
