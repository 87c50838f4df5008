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
}
