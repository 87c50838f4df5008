package dev.spotbridge.dataverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceProtectionTest {

    /** The shared budget in memory, as the database keeps it for every node. */
    static final class Budget extends BudgetGrants {
        final List<long[]> granted = new ArrayList<>();

        @Override
        public synchronized Grant take(
                String name, String node, int want, int atLeast, int limit, long spanMillis) {
            Instant now = Instant.now();
            granted.removeIf(g -> g[0] < now.toEpochMilli() - spanMillis);
            long used = granted.stream().mapToLong(g -> g[1]).sum();
            if (limit - used >= atLeast) {
                int amount = (int) Math.min(want, limit - used);
                granted.add(new long[] {now.toEpochMilli(), amount});
                return new Grant(amount, now, now);
            }
            return new Grant(0, now, Instant.ofEpochMilli(granted.get(0)[0] + spanMillis));
        }

        long total() {
            return granted.stream().mapToLong(g -> g[1]).sum();
        }
    }

    private static ServiceProtection node(Budget budget, int limit, String name) {
        ServiceProtection limits = new ServiceProtection();
        limits.limit = limit;
        limits.maxWaitMs = 50;
        limits.windowSeconds = 300;
        limits.node = name;
        limits.grants = budget;
        return limits;
    }

    @Test
    void aCallerOverTheBudgetWaitsBoundedlyThenIsThrottled() {
        ServiceProtection limits = node(new Budget(), 2, "n1");
        limits.acquire(1);
        limits.acquire(1);
        // the window is 5 minutes: no room comes within 50 ms, so the caller is sent back
        assertThrows(DataverseThrottledException.class, () -> limits.acquire(1));
    }

    @Test
    void twoNodesShareOneBudget() {
        Budget budget = new Budget();
        ServiceProtection one = node(budget, 100, "n1");
        ServiceProtection two = node(budget, 100, "n2");
        int sent = 0;
        try {
            for (int i = 0; i < 1000; i++) {
                (i % 2 == 0 ? one : two).acquire(1);
                sent++;
            }
        } catch (DataverseThrottledException expected) {
            // the budget is spent: by both nodes together
        }
        assertTrue(sent <= 100, "sent " + sent);
        assertTrue(budget.total() <= 100, "granted " + budget.total());
        assertTrue(sent >= 50, "the grants grow with the need: sent " + sent);
    }

    @Test
    void grantsGrowWhileUsedUp() {
        Budget budget = new Budget();
        ServiceProtection one = node(budget, 6000, "n1");
        for (int i = 0; i < 200; i++) {
            one.acquire(1);
        }
        // doubling: 1, 2, 4, … — far fewer grants than requests
        assertTrue(budget.granted.size() < 12, budget.granted.size() + " grants");
        assertEquals(true, budget.total() >= 200);
    }

    @Test
    void moreThanTheWholeBudgetAtOnceIsAProgrammingError() {
        ServiceProtection limits = node(new Budget(), 2, "n1");
        assertThrows(IllegalArgumentException.class, () -> limits.acquire(3));
    }
}
