package dev.spotbridge.dataverse;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps all nodes together under Dataverse's service protection limit of requests per application
 * user in a sliding 5-minute window (dataverse.max-requests-per-5-minutes, 6000; every operation
 * inside a $batch counts, as Dataverse counts them). Before it sends, a node takes a grant of
 * requests from the budget in the shared database ({@link BudgetGrants}); what it does not use
 * within {@link #KEEP} it gives up (it stays counted: the sum of the grants of any window is what
 * Dataverse may see). The size of a grant follows the node's need: it doubles while the node uses
 * up its grants in time and halves when one expires unused, up to a twentieth of the budget.
 *
 * <p>A caller that would go over waits for the window to make room, instead of collecting 429s —
 * but at most dataverse.throttle-max-wait-ms (well inside the gateway's timeout, so waiting never
 * looks like a failing Dataverse and never opens the circuit); then it gets a {@link
 * DataverseThrottledException} and its message goes back to the queue for a later try.
 */
@ApplicationScoped
public class ServiceProtection {

    /** How long a node may keep the unused part of a grant; the grants count this much longer. */
    static final Duration KEEP = Duration.ofSeconds(5);

    @Inject
    @ConfigProperty(name = "dataverse.max-requests-per-5-minutes", defaultValue = "6000")
    int limit;

    /** The window Dataverse enforces; shorter only for tests that must see it roll. */
    @Inject
    @ConfigProperty(name = "dataverse.request-window-seconds", defaultValue = "300")
    long windowSeconds;

    @Inject
    @ConfigProperty(name = "dataverse.throttle-max-wait-ms", defaultValue = "2000")
    long maxWaitMs;

    @Inject
    @ConfigProperty(name = "spotbridge.node-id", defaultValue = "spotbridge-1")
    String node;

    @Inject BudgetGrants grants;

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(ServiceProtection.class.getName());

    private long exhaustedLoggedNanos = System.nanoTime() - Long.MAX_VALUE / 2;

    private int left;
    private long keptUntilNanos;
    private int grantSize = 1;

    /**
     * The budget is used up: changes wait on their queues. Logged as an error at most once per
     * window: if it recurs, the budget is too small for the load.
     */
    private void exhausted() {
        long now = System.nanoTime();
        if (now - exhaustedLoggedNanos >= windowSeconds * 1_000_000_000L) {
            exhaustedLoggedNanos = now;
            LOG.severe(
                    "the Dataverse request budget ("
                            + limit
                            + " per "
                            + windowSeconds
                            + " s, all nodes together) is used up: changes and write-backs wait on"
                            + " their queues until the window makes room. If this recurs, raise"
                            + " dataverse.max-requests-per-5-minutes to what the org's application"
                            + " user may use");
        }
    }

    public synchronized void acquire(int requests) {
        if (requests > limit) {
            throw new IllegalArgumentException(
                    requests + " requests at once exceed the limit of " + limit);
        }
        long giveUpAt = System.nanoTime() + maxWaitMs * 1_000_000;
        while (true) {
            long now = System.nanoTime();
            boolean kept = now < keptUntilNanos;
            if (kept && left >= requests) {
                left -= requests;
                return;
            }
            // the last grant went in time: a bigger one; it expired unused: a smaller one
            grantSize =
                    kept
                            ? Math.min(Math.max(1, limit / 20), grantSize * 2)
                            : left > 0 ? Math.max(1, grantSize / 2) : grantSize;
            left = 0;
            BudgetGrants.Grant grant =
                    grants.take(
                            "dataverse",
                            node,
                            Math.max(requests, grantSize),
                            requests,
                            limit,
                            windowSeconds * 1000 + KEEP.toMillis());
            if (grant.amount() > 0) {
                left = grant.amount() - requests;
                keptUntilNanos = System.nanoTime() + KEEP.toNanos();
                return;
            }
            long waitNanos = Duration.between(grant.now(), grant.retryAt()).toNanos();
            if (System.nanoTime() + waitNanos > giveUpAt) {
                exhausted();
                throw new DataverseThrottledException(
                        "the Dataverse request budget ("
                                + limit
                                + " per "
                                + windowSeconds
                                + " s, all nodes together) has no room for "
                                + maxWaitMs
                                + " ms; tried again later",
                        Duration.ofMillis(Math.max(1000, waitNanos / 1_000_000)));
            }
            try {
                wait(Math.max(10, waitNanos / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DataverseUnavailableException(
                        "interrupted while waiting for the request limit");
            }
        }
    }
}
