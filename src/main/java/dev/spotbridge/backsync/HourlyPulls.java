package dev.spotbridge.backsync;

import dev.spotbridge.spotler.SpotlerBounce;
import dev.spotbridge.spotler.SpotlerContact;
import dev.spotbridge.spotler.SpotlerGateway;
import dev.spotbridge.sync.ContactSync;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The hourly back-sync: opt-outs from Spotler's contact changes, and bounces as owner tasks. One
 * run at a time on this node; each item is applied in its own transaction; a feed's watermark moves
 * only after its whole window went through, so a failed run is repeated (idempotently) by the next
 * one.
 */
@Singleton
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class HourlyPulls {

    private static final Logger LOG = Logger.getLogger(HourlyPulls.class.getName());
    static final String OPT_OUTS = "spotler-contact-updates";
    static final String BOUNCES = "spotler-bounces";

    @Inject SpotlerGateway spotler;

    @Inject ContactSync sync;

    @Inject BounceTasks bounceTasks;

    @Inject Watermarks watermarks;

    @Schedule(hour = "*", minute = "5", persistent = false)
    void hourly() {
        try {
            run();
        } catch (RuntimeException e) {
            // the watermarks did not move: the next run reads the same windows again
            LOG.log(Level.WARNING, "hourly back-sync failed; the next run repeats it: " + e, e);
        }
    }

    /** One run of every feed; the summary says what it did. */
    @Lock(LockType.WRITE)
    public JsonObject run() {
        Watermarks.Window changes = watermarks.window(OPT_OUTS);
        int optOuts = 0;
        for (SpotlerContact contact : spotler.changedContacts(changes.from(), changes.to())) {
            if (contact.optedOut() && sync.optedOutInSpotler(contact.externalId())) {
                optOuts++;
            }
        }
        watermarks.completed(OPT_OUTS, changes);

        Watermarks.Window bounceWindow = watermarks.window(BOUNCES);
        int bounces = 0;
        int tasks = 0;
        for (SpotlerBounce bounce : spotler.bounces(bounceWindow.from(), bounceWindow.to())) {
            bounces++;
            if (bounceTasks.create(bounce)) {
                tasks++;
            }
        }
        watermarks.completed(BOUNCES, bounceWindow);
        return Json.createObjectBuilder()
                .add("optOuts", optOuts)
                .add("bounces", bounces)
                .add("tasksCreated", tasks)
                .add("from", changes.from().toString())
                .add("to", changes.to().toString())
                .build();
    }
}
