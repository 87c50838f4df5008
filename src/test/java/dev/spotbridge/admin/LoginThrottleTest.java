package dev.spotbridge.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    private final LoginThrottle throttle = new LoginThrottle(now::get);

    private void seconds(long s) {
        now.addAndGet(s * 1_000_000_000L);
    }

    @Test
    void theFirstFailuresCostNothingThenEachWaitDoublesThenTheAddressIsRefusedForAWhile() {
        for (int i = 0; i < LoginThrottle.FREE; i++) {
            assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.1"));
            throttle.failed("10.0.0.1");
        }
        assertEquals(OptionalLong.of(1), throttle.wait("10.0.0.1"));
        seconds(1);
        assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.1"));
        throttle.failed("10.0.0.1");
        assertEquals(OptionalLong.of(2), throttle.wait("10.0.0.1"));
        // another address is not affected
        assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.2"));
        for (int i = LoginThrottle.FREE + 1; i < LoginThrottle.LOCK_AFTER; i++) {
            seconds(LoginThrottle.MAX_DELAY_SECONDS);
            assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.1"), "try " + i);
            throttle.failed("10.0.0.1");
        }
        assertEquals(OptionalLong.of(LoginThrottle.LOCK_SECONDS), throttle.wait("10.0.0.1"));
        seconds(LoginThrottle.LOCK_SECONDS - 10);
        assertEquals(OptionalLong.of(10), throttle.wait("10.0.0.1"));
        seconds(10);
        assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.1"));
    }

    @Test
    void aSuccessClearsItsAddress() {
        for (int i = 0; i < LoginThrottle.FREE; i++) {
            throttle.failed("10.0.0.1");
        }
        throttle.succeeded("10.0.0.1");
        assertEquals(OptionalLong.empty(), throttle.wait("10.0.0.1"));
    }

    @Test
    void aFloodOfAddressesDoesNotGrowTheMapWithoutBound() {
        for (int i = 0; i < 3 * LoginThrottle.MAX_ADDRESSES; i++) {
            throttle.failed("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255));
            now.incrementAndGet();
        }
        assertTrue(throttle.addresses() <= LoginThrottle.MAX_ADDRESSES, "" + throttle.addresses());
    }
}
