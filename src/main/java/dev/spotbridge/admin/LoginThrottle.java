package dev.spotbridge.admin;

import java.util.Iterator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Slows down, then refuses, guessing of the admin password from one address. Failed logins are
 * counted per client address: the first few cost nothing; after {@link #FREE} failures each further
 * try must wait twice as long as the one before (1 s, 2 s, 4 s …, at most a minute) since the last
 * failure, and after {@link #LOCK_AFTER} failures the address is refused for {@link #LOCK_SECONDS}.
 * A refused try is answered 429 with Retry-After and its credentials are not even looked at. A
 * successful login clears its address; other addresses are never affected, so the real admin is not
 * locked out from elsewhere. Failures older than the lock's length are forgotten, and the map holds
 * at most {@link #MAX_ADDRESSES} addresses.
 */
final class LoginThrottle {

    static final int FREE = 5;

    static final int LOCK_AFTER = 20;

    static final long LOCK_SECONDS = 900;

    static final long MAX_DELAY_SECONDS = 60;

    static final int MAX_ADDRESSES = 10_000;

    private record Failures(int count, long lastNanos) {}

    private final Map<String, Failures> byAddress = new ConcurrentHashMap<>();

    private final LongSupplier nanoClock;

    LoginThrottle(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /**
     * @return seconds the address must wait before its next try; empty when it may try now
     */
    OptionalLong wait(String address) {
        Failures f = byAddress.get(address);
        if (f == null || f.count() < FREE) {
            return OptionalLong.empty();
        }
        long waitNanos = delaySeconds(f.count()) * 1_000_000_000L;
        long since = nanoClock.getAsLong() - f.lastNanos();
        if (since >= waitNanos) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(1, (waitNanos - since + 999_999_999L) / 1_000_000_000L));
    }

    /** Seconds between tries after this many failures. */
    static long delaySeconds(int failures) {
        if (failures >= LOCK_AFTER) {
            return LOCK_SECONDS;
        }
        if (failures < FREE) {
            return 0;
        }
        return Math.min(MAX_DELAY_SECONDS, 1L << Math.min(20, failures - FREE));
    }

    void failed(String address) {
        long now = nanoClock.getAsLong();
        if (byAddress.size() >= MAX_ADDRESSES && !byAddress.containsKey(address)) {
            forgetOld(now);
        }
        byAddress.compute(
                address,
                (k, f) ->
                        f == null || now - f.lastNanos() > LOCK_SECONDS * 1_000_000_000L
                                ? new Failures(1, now)
                                : new Failures(f.count() + 1, now));
    }

    void succeeded(String address) {
        byAddress.remove(address);
    }

    int addresses() {
        return byAddress.size();
    }

    /**
     * Drops addresses whose last failure is older than the lock; if the map is still full, the
     * oldest half goes (a flood of addresses must not grow the heap).
     */
    private void forgetOld(long now) {
        byAddress.values().removeIf(f -> now - f.lastNanos() > LOCK_SECONDS * 1_000_000_000L);
        if (byAddress.size() >= MAX_ADDRESSES) {
            long[] times =
                    byAddress.values().stream().mapToLong(Failures::lastNanos).sorted().toArray();
            long cut = times[times.length / 2];
            for (Iterator<Failures> it = byAddress.values().iterator(); it.hasNext(); ) {
                if (it.next().lastNanos() <= cut) {
                    it.remove();
                }
            }
        }
    }
}
