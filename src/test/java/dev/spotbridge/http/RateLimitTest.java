package dev.spotbridge.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void aSecondsWorthGoesAtOnceThenCallersAreTurnedAwayBeyondTheirWait() throws Exception {
        RateLimit limit = new RateLimit(10, Duration.ZERO);
        int granted = 0;
        for (int i = 0; i < 40; i++) {
            granted += limit.acquire() ? 1 : 0;
        }
        // a burst of one second's worth (10), then no turn within a zero wait
        assertTrue(granted >= 10 && granted <= 12, "granted " + granted);
        assertFalse(limit.acquire());
    }

    @Test
    void aCallerWithinItsWaitIsGrantedAfterWaiting() throws Exception {
        RateLimit limit = new RateLimit(10, Duration.ofMillis(500));
        // one second's worth after a quiet spell, and the turn that is due now
        for (int i = 0; i < 11; i++) {
            assertTrue(limit.acquire());
        }
        long start = System.nanoTime();
        assertTrue(limit.acquire(), "its turn is 100 ms away, within the 500 ms it may wait");
        assertTrue(System.nanoTime() - start >= 50_000_000L, "it waited for its turn");
    }

    @Test
    void noLimitWhenTheRateIsZero() throws Exception {
        RateLimit limit = new RateLimit(0, Duration.ZERO);
        for (int i = 0; i < 1000; i++) {
            assertTrue(limit.acquire());
        }
    }
}
