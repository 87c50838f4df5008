package dev.spotbridge.backsync;

import dev.spotbridge.consent.PermissionSync;
import dev.spotbridge.consent.SpotlerOptOuts;
import dev.spotbridge.enrichment.ProfileEnrichment;
import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.runs.RunTracker;
import dev.spotbridge.runs.Runs;
import dev.spotbridge.spotler.SpotlerBounce;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The hourly back-sync: opt-outs from Spotler's contact changes, bounces as owner tasks, mailing
 * interactions onto the timeline. One run at a time over all nodes; each item is applied in its own
 * transaction; a feed's watermark moves only after its whole window went through, so a feed that
 * failed is repeated (idempotently) by the next run. An item that cannot be read or applied is
 * recorded and skipped ({@link PullFailures}): it never stalls its feed.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HourlyPulls {

    static final String OPT_OUTS = "spotler-contact-updates";
    static final String BOUNCES = "spotler-bounces";

    @Inject SpotlerGateway spotler;

    @Inject SpotlerOptOuts spotlerOptOuts;

    @Inject PermissionSync permissionRows;

    @Inject BounceTasks bounceTasks;

    @Inject Watermarks watermarks;

    @Inject RunLocks locks;

    @Inject Runs runs;

    @Inject InteractionPull interactions;

    @Inject BacksyncLag lag;

    @Inject PullFailures failures;

    @Inject ProfileEnrichment enrichment;

    private static final Logger LOG = Logger.getLogger(HourlyPulls.class.getName());

    static final String LOCK = "backsync";

    /**
     * One run of every feed, unless another run (on any node) holds the lock: then the answer says
     * so and nothing runs.
     */
    @Lock(LockType.READ)
    public JsonObject run() {
        return run(null);
    }

    /**
     * @param slot the minute a schedule fired for (claimed once over all nodes), or null for a run
     *     started by hand
     */
    @Lock(LockType.READ)
    public JsonObject run(Instant slot) {
        return LockedRun.run(
                new LockedRun.Job(locks, runs, LOCK, Runs.BACKSYNC, "back-sync run"),
                slot,
                run -> {
                    JsonObject result = pull(run);
                    lag.refresh();
                    return result;
                });
    }

    /**
     * Every feed, each on its own: a feed that cannot be read (Spotler or Dataverse unavailable)
     * keeps its watermark and is repeated by the next run, and the other feeds still run. Only when
     * every feed failed does the run fail.
     */
    private JsonObject pull(RunTracker run) {
        Tally tally = new Tally(run);
        JsonObjectBuilder result = Json.createObjectBuilder().add("ran", true);
        Watermarks.Window changes = watermarks.window(OPT_OUTS);
        tally.feed(OPT_OUTS, () -> changedContacts(changes, result, tally));
        tally.feed(BOUNCES, () -> bounces(result, tally));
        InteractionPull.Counts timeline = interactions.pull(tally);
        if (tally.feedsFailed() == InteractionPull.FEEDS.size() + 2) {
            throw tally.firstFailure();
        }
        return result.add("activitiesCreated", timeline.activities())
                .add("activitiesUpdated", timeline.updated())
                .add("batchCalls", timeline.batches())
                .add("from", changes.from().toString())
                .add("to", changes.to().toString())
                .add("itemFailures", tally.itemFailures())
                .add("failedFeeds", tally.failedFeeds())
                .add("outcome", tally.outcome())
                .build();
    }

    private void changedContacts(Watermarks.Window changes, JsonObjectBuilder result, Tally tally) {
        int optOuts = 0;
        int permissionChanges = 0;
        int enriched = 0;
        // page by page: each page is one guarded call (timeout, retries)
        for (Integer after = 0; after != null; ) {
            SpotlerGateway.Page<SpotlerContact> page =
                    spotler.changedContacts(changes.from(), changes.to(), after);
            tally.read(page.items().size());
            tally.unreadable(OPT_OUTS, page);
            for (SpotlerContact contact : page.items()) {
                try {
                    if (contact.optedOut() && spotlerOptOuts.foundByPull(contact.externalId())) {
                        optOuts++;
                    } else if (!contact.optedOut()) {
                        permissionChanges +=
                                permissionRows.foundByPull(
                                        contact.externalId(), contact.permissions());
                        enriched += enrichment.changed(contact).written().size();
                    }
                } catch (RuntimeException e) {
                    tally.itemFailed(OPT_OUTS, contact.externalId(), e, "changed contact");
                }
            }
            after = page.next();
        }
        watermarks.completed(OPT_OUTS, changes);
        result.add("optOuts", optOuts)
                .add("permissionChanges", permissionChanges)
                .add("profileValuesFromSpotler", enriched);
    }

    private void bounces(JsonObjectBuilder result, Tally tally) {
        Watermarks.Window bounceWindow = watermarks.window(BOUNCES);
        int bounces = 0;
        int tasks = 0;
        for (Integer after = 0; after != null; ) {
            SpotlerGateway.Page<SpotlerBounce> page =
                    spotler.bounces(bounceWindow.from(), bounceWindow.to(), after);
            tally.read(page.items().size());
            tally.unreadable(BOUNCES, page);
            for (SpotlerBounce bounce : page.items()) {
                bounces++;
                try {
                    if (bounceTasks.create(bounce)) {
                        tasks++;
                    }
                } catch (RuntimeException e) {
                    tally.itemFailed(BOUNCES, bounce.externalId(), e, bounce.toString());
                }
            }
            after = page.next();
        }
        watermarks.completed(BOUNCES, bounceWindow);
        result.add("bounces", bounces).add("tasksCreated", tasks);
    }

    /**
     * What one run did and what went wrong: items read (its run's done), feeds that failed, items
     * skipped (its run's failed).
     */
    final class Tally {

        private final Map<String, String> failedFeeds = new LinkedHashMap<>();
        private final RunTracker run;
        private RuntimeException first;
        private int itemFailures;

        Tally(RunTracker run) {
            this.run = run;
        }

        /** A page of items read from a feed. */
        void read(int items) {
            run.add(items, 0);
        }

        /** Runs one feed's pull; its failure is the feed's, the run goes on. */
        void feed(String feed, Runnable pull) {
            run.phase("feed " + feed);
            try {
                pull.run();
            } catch (RuntimeException e) {
                LOG.warning(
                        "back-sync feed "
                                + feed
                                + " stopped, its watermark stays for the next run: "
                                + Redelivery.describe(e));
                failedFeeds.put(feed, Redelivery.describe(e));
                if (first == null) {
                    first = e;
                }
            }
        }

        /**
         * The page's items that could not be read: each recorded and skipped (counted when met for
         * the first time: windows overlap).
         */
        void unreadable(String feed, SpotlerGateway.Page<?> page) {
            for (SpotlerGateway.Unreadable u : page.unreadable()) {
                if (failures.record(feed, u.externalId(), u.reason(), u.item())) {
                    itemFailures++;
                }
                run.add(0, 1);
            }
        }

        /**
         * An item that could not be applied: recorded and skipped when the failure is its own,
         * rethrown (stopping the feed) when it is the run's.
         */
        void itemFailed(String feed, String externalId, RuntimeException e, String item) {
            PullFailures.rethrowIfOfTheRun(e);
            if (failures.record(feed, externalId, Redelivery.describe(e), item)) {
                itemFailures++;
            }
            // read, then failed
            run.add(-1, 1);
        }

        int itemFailures() {
            return itemFailures;
        }

        int feedsFailed() {
            return failedFeeds.size();
        }

        RuntimeException firstFailure() {
            return first;
        }

        JsonObject failedFeeds() {
            JsonObjectBuilder feeds = Json.createObjectBuilder();
            failedFeeds.forEach(feeds::add);
            return feeds.build();
        }

        String outcome() {
            return failedFeeds.isEmpty() && itemFailures == 0 ? "Succeeded" : "PartlySucceeded";
        }
    }
}
