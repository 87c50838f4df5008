package dev.spotbridge.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import java.util.concurrent.CompletionException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.Test;

class OutageTest {

    private static final long HOUR = 3_600_000L;

    @Test
    void aDownServiceIsAnOutageWhereverItIsInTheCauses() {
        assertTrue(Outage.in(new SpotlerUnavailableException("503")));
        assertTrue(Outage.in(new CompletionException(new CircuitBreakerOpenException("open"))));
        assertFalse(Outage.in(new SpotlerRejectedException(400, "INVALID", "bad email")));
        assertFalse(Outage.in(new IllegalStateException("a bug")));
    }

    /** spotbridge.sync.outage-hold-hours: past it, a held change's attempts count again. */
    @Test
    void aChangeWaitsOutAnOutageOnlyForTheHoldHours() {
        long now = 1_000L * HOUR;
        assertTrue(Outage.waitsOut(now - 5_000, now, 24));
        assertTrue(Outage.waitsOut(now - 23 * HOUR, now, 24));
        assertFalse(Outage.waitsOut(now - 25 * HOUR, now, 24));
        assertFalse(Outage.waitsOut(now - 2 * HOUR, now, 1));
    }
}
