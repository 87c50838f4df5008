package dev.spotbridge.writeback;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WritebackYieldTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private final WritebackYield yield = new WritebackYield(60, now::get);

    @Test
    void withoutABacklogTheWriteBackWritesAtOnce() {
        assertEquals(0, yield.pauseMillis(false));
        yield.wrote(true);
        assertEquals(0, yield.pauseMillis(false));
    }

    @Test
    void whileTheDrainWorksOffABacklogTheWriteBackWaitsAtMostTheYieldSeconds() {
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
        now.addAndGet(59 * SECOND);
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
        now.addAndGet(SECOND);
        // a minute behind: it writes, full batch after full batch, the backlog still on
        assertEquals(0, yield.pauseMillis(true));
        yield.wrote(true);
        now.addAndGet(30 * SECOND);
        assertEquals(0, yield.pauseMillis(true));
        yield.wrote(true);
        // caught up (a batch that was not full): it gives way again, for another minute at most
        yield.wrote(false);
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
        now.addAndGet(60 * SECOND);
        assertEquals(0, yield.pauseMillis(true));
    }

    @Test
    void theYieldStartsAfreshAfterTheBacklogIsGone() {
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
        now.addAndGet(50 * SECOND);
        assertEquals(0, yield.pauseMillis(false));
        now.addAndGet(SECOND);
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
        now.addAndGet(59 * SECOND);
        assertEquals(WritebackYield.PAUSE_MILLIS, yield.pauseMillis(true));
    }

    @Test
    void zeroSecondsNeverYields() {
        WritebackYield never = new WritebackYield(0, now::get);
        assertEquals(0, never.pauseMillis(true));
    }
}
