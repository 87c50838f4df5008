package dev.spotbridge.dataverse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayDeque;
import java.util.Deque;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps Spotbridge under Dataverse's service protection limit of requests per user in a sliding
 * 5-minute window (6000 by default; every operation inside a $batch counts, as Dataverse counts
 * them). A caller that would go over waits for the window to make room, instead of collecting 429s.
 */
@ApplicationScoped
public class ServiceProtection {

    private static final long WINDOW_MS = 300_000;

    @Inject
    @ConfigProperty(name = "dataverse.max-requests-per-5-minutes", defaultValue = "6000")
    int limit;

    private final Deque<long[]> used = new ArrayDeque<>();
    private int inWindow;

    public synchronized void acquire(int requests) {
        if (requests > limit) {
            throw new IllegalArgumentException(
                    requests + " requests at once exceed the limit of " + limit);
        }
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
            try {
                wait(Math.max(10, wait));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataverseUnavailableException(
                        "interrupted while waiting for the request limit");
            }
        }
    }
}
