package dev.spotbridge.queue;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyncBacklogTest {

    private final SyncBacklog backlog = new SyncBacklog();

    @Test
    void aBurstThatTheNextBatchClearsIsNoBacklog() {
        for (int i = 1; i < SyncBacklog.FULL_BATCHES; i++) {
            backlog.batchTaken(true);
        }
        backlog.batchTaken(false);
        backlog.batchTaken(true);
        assertFalse(backlog.draining());
    }

    @Test
    void fullBatchesInARowAreABacklog() {
        for (int i = 0; i < SyncBacklog.FULL_BATCHES; i++) {
            assertFalse(backlog.draining());
            backlog.batchTaken(true);
        }
        assertTrue(backlog.draining());
    }

    @Test
    void bulkWorkIsABacklogAtOnce() {
        assertFalse(backlog.draining());
        backlog.busy();
        assertTrue(backlog.draining());
    }

    @Test
    void helpersAreWantedOnlyWhileEveryCoreThreadWaitsWithABatchThatWasNotFull() {
        assertFalse(backlog.helpWanted(2), "idle");
        backlog.batchTaken(false);
        backlog.applying(true);
        assertFalse(backlog.helpWanted(2), "one core thread busy, the other free");
        backlog.batchTaken(false);
        backlog.applying(true);
        assertTrue(backlog.helpWanted(2), "both busy, no backlog: latency-bound");
        backlog.batchTaken(true);
        assertFalse(backlog.helpWanted(2), "a full batch: a backlog, whose batches stay whole");
        backlog.applying(false);
        backlog.applying(false);
        backlog.batchTaken(false);
        assertFalse(backlog.helpWanted(2), "idle again");
    }
}
