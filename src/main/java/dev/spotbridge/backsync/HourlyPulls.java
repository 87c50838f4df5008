package dev.spotbridge.backsync;

import dev.spotbridge.consent.PermissionSync;
import dev.spotbridge.consent.SpotlerOptOuts;
import dev.spotbridge.json.Json;
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
import java.time.Instant;
import java.util.Optional;

/**
 * The hourly back-sync: opt-outs from Spotler's contact changes, and bounces as owner tasks. One
 * run at a time on this node; each item is applied in its own transaction; a feed's watermark moves
 * only after its whole window went through, so a failed run is repeated (idempotently) by the next
 * one.
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

    @Inject InteractionPull interactions;

    @Inject BacksyncLag lag;

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
        Optional<String> holder = locks.take(LOCK, slot);
        if (holder.isEmpty()) {
            return Json.createObjectBuilder()
                    .add("ran", false)
                    .add(
                            "reason",
                            slot != null
                                    ? "another node ran or runs the slot " + slot
                                    : "another back-sync run holds the lock until "
                                            + locks.heldUntil(LOCK))
                    .build();
        }
        Instant started = Instant.now();
        String outcome = "Failed";
        String detail = null;
        try {
            JsonObject result = pull();
            lag.refresh();
            outcome = "Succeeded";
            detail = result.toString();
            return result;
        } catch (RuntimeException e) {
            detail = e.toString();
            throw e;
        } finally {
            locks.release(LOCK, holder.get(), started, outcome, detail);
        }
    }

    private JsonObject pull() {
        Watermarks.Window changes = watermarks.window(OPT_OUTS);
        int optOuts = 0;
        int permissionChanges = 0;
        // page by page: each page is one guarded call (timeout, retries)
        for (Integer after = 0; after != null; ) {
            SpotlerGateway.Page<SpotlerContact> page =
                    spotler.changedContacts(changes.from(), changes.to(), after);
            for (SpotlerContact contact : page.items()) {
                if (contact.optedOut() && spotlerOptOuts.foundByPull(contact.externalId())) {
                    optOuts++;
                } else if (!contact.optedOut()) {
                    permissionChanges +=
                            permissionRows.foundByPull(contact.externalId(), contact.permissions());
                }
            }
            after = page.next();
        }
        watermarks.completed(OPT_OUTS, changes);

        Watermarks.Window bounceWindow = watermarks.window(BOUNCES);
        int bounces = 0;
        int tasks = 0;
        for (Integer after = 0; after != null; ) {
            SpotlerGateway.Page<SpotlerBounce> page =
                    spotler.bounces(bounceWindow.from(), bounceWindow.to(), after);
            for (SpotlerBounce bounce : page.items()) {
                bounces++;
                if (bounceTasks.create(bounce)) {
                    tasks++;
                }
            }
            after = page.next();
        }
        watermarks.completed(BOUNCES, bounceWindow);
        InteractionPull.Counts timeline = interactions.pull();
        return Json.createObjectBuilder()
                .add("ran", true)
                .add("activitiesCreated", timeline.activities())
                .add("activitiesUpdated", timeline.updated())
                .add("batchCalls", timeline.batches())
                .add("optOuts", optOuts)
                .add("permissionChanges", permissionChanges)
                .add("bounces", bounces)
                .add("tasksCreated", tasks)
                .add("from", changes.from().toString())
                .add("to", changes.to().toString())
                .build();
    }
}
