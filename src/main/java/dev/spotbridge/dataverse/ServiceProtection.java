package dev.spotbridge.dataverse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps Spotbridge under Dataverse's service protection limit of requests per user in a sliding
 * 5-minute window (6000 by default; every operation inside a $batch counts, as Dataverse counts
 * them). A caller that would go over waits for the window to make room, instead of collecting 429s
 * — but at most dataverse.throttle-max-wait-ms (well inside the gateway's timeout, so waiting never
 * looks like a failing Dataverse and never opens the circuit); then it gets a {@link
 * DataverseThrottledException} and its message goes back to the queue for a later try.
 */
@ApplicationScoped
public class ServiceProtection {

    private static final long WINDOW_MS = 300_000;

    @Inject
    @ConfigProperty(name = "dataverse.max-requests-per-5-minutes", defaultValue = "6000")
    int limit;

    @Inject
    @ConfigProperty(name = "dataverse.throttle-max-wait-ms", defaultValue = "2000")
    long maxWaitMs;

    private final Deque<long[]> used = new ArrayDeque<>();
    private int inWindow;

    public synchronized void acquire(int requests) {
        if (requests > limit) {
            throw new IllegalArgumentException(
                    requests + " requests at once exceed the limit of " + limit);
        }
        long giveUpAt = System.currentTimeMillis() + maxWaitMs;
        while (true) {
            long now = System.currentTimeMillis();
            while (!used.isEmpty() && used.peekFirst()[0] <= now - WINDOW_MS) {
                inWindow -= (int) used.pollFirst()[1];
            }
            if (inWindow + requests <= limit) {
                used.addLast(new long[] {now, requests});
                inWindow += requests;
                return;
            }
            long wait = used.peekFirst()[0] + WINDOW_MS - now;
            if (now >= giveUpAt) {
                throw new DataverseThrottledException(
                        "the Dataverse request budget ("
                                + limit
                                + " per 5 minutes) has no room for "
                                + maxWaitMs
                                + " ms; tried again later");
            }
            try {
                wait(Math.max(10, Math.min(wait, giveUpAt - now)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataverseUnavailableException(
                        "interrupted while waiting for the request limit");
            }
        }
    }
}
