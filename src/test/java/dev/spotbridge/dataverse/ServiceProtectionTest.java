package dev.spotbridge.dataverse;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ServiceProtectionTest {

    @Test
    void aCallerOverTheBudgetWaitsBoundedlyThenIsThrottled() {
        ServiceProtection limits = new ServiceProtection();
        limits.limit = 2;
        limits.maxWaitMs = 50;
        limits.acquire(1);
        limits.acquire(1);
        // the window is 5 minutes: no room comes within 50 ms, so the caller is sent back
        assertThrows(DataverseThrottledException.class, () -> limits.acquire(1));
    }

    @Test
    void moreThanTheWholeBudgetAtOnceIsAProgrammingError() {
        ServiceProtection limits = new ServiceProtection();
        limits.limit = 2;
        limits.maxWaitMs = 50;
        assertThrows(IllegalArgumentException.class, () -> limits.acquire(3));
    }
}
