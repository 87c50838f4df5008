package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.OwnerTask;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerBounce;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A bounce is a status of the Spotler contact (Inactive: Soft Bounce / Hard Bounce, §2.7.3 of the
 * manual): the owner of the record gets a D365 task, regarding the record, when it becomes bounced
 * — saying which address bounced, how, in which mailing and what to do — and a second one when a
 * soft bounce turns hard; further bounces of a bounced contact are noted in its history only. It is
 * active again when its address changes or a user resyncs it (after reactivating it in Spotler).
 * Each bounce event is handled exactly once across reruns and restarts: the task's activityid is
 * derived from the bounce (a repeated create finds it already there), and the event is remembered
 * in table bounce_task.
 */
@ApplicationScoped
@Transactional
public class BounceTasks {

    @Inject DataverseGateway dataverse;

    @Inject SpotlerGateway spotler;

    @Inject SyncRecords records;

    @PersistenceContext(unitName = "spotbridge")
    EntityManager em;

    /**
     * @return true when this call created the task
     */
    public boolean create(SpotlerBounce bounce) {
        String key = key(bounce);
        if (em.find(BounceTask.class, key) != null) {
            return false;
        }
        Optional<SyncRecord> found =
                records.keyOfExternalId(bounce.externalId()).map(k -> em.find(SyncRecord.class, k));
        if (found.isEmpty()) {
            return false;
        }
        SyncRecord record = found.get();
        String[] parts = record.key().split(":", 2);
        String entity = parts[0];
        String id = parts[1];
        Optional<String> was = record.bounceState();
        if (was.isPresent() && ("HARD".equals(was.get()) || !bounce.hard())) {
            handled(
                    key,
                    record.key(),
                    "none",
                    "Bounce",
                    "Succeeded",
                    bounceText(bounce, bounce.mailingId())
                            + "; the contact is bounced already ("
                            + was.get().toLowerCase(Locale.ROOT)
                            + "), its owner has a task: no new one until it is active again");
            return false;
        }
        record.bounceState(bounce.hard() ? "HARD" : "SOFT");
        UUID taskId =
                UUID.nameUUIDFromBytes(
                        ("spotbridge-bounce:" + key).getBytes(StandardCharsets.UTF_8));
        Optional<OwnerTask.Owner> owner = dataverse.owner(entity, id);
        if (owner.isEmpty()) {
            handled(
                    key,
                    record.key(),
                    "none",
                    "Bounce",
                    "Skipped",
                    bounceText(bounce, bounce.mailingId())
                            + "; the record is no longer in Dataverse, no task");
            return false;
        }
        String mailing =
                spotler.mailingName(bounce.mailingId())
                        .map(n -> "'" + n + "'")
                        .orElse(bounce.mailingId());
        OwnerTask task =
                new OwnerTask(
                        taskId.toString(),
                        entity,
                        id,
                        (was.isPresent() ? "Soft bounce turned hard: " : "Email bounced (")
                                + (was.isPresent() ? "" : bounce.hard() ? "hard): " : "soft): ")
                                + bounce.email(),
                        bounceText(bounce, mailing) + ".\n\n" + whatToDo(bounce.hard()),
                        bounce.hard(),
                        Instant.now().plus(Duration.ofDays(2)),
                        owner.get());
        boolean created = dataverse.createTask(task);
        handled(
                key,
                record.key(),
                taskId.toString(),
                "Bounce",
                "Succeeded",
                bounceText(bounce, mailing)
                        + "; the contact is now bounced ("
                        + (bounce.hard() ? "hard" : "soft")
                        + "); task "
                        + taskId
                        + " for the record's owner"
                        + (created ? "" : " (already there)"));
        return created;
    }

    /** What the owner can do about a bounce, as the task says it. */
    static String whatToDo(boolean hard) {
        return hard
                ? "Spotler marked the contact Inactive: Hard Bounce. The address does not exist or"
                        + " refuses mail for good, so Spotler sends it nothing more. Ask the customer"
                        + " for a working address and correct it on this record: the new address is"
                        + " synced and the contact is active again. If there is none, set Bulk Email"
                        + " to Do Not Allow."
                : "Spotler marked the contact Inactive: Soft Bounce. The mailbox could not take the"
                        + " mail for now (full, away, server trouble); after repeated soft bounces"
                        + " Spotler stops mailing it. Check the address with the customer: correct it"
                        + " on this record if it changed (the contact is active again), or have it"
                        + " reactivated in Spotler and resync the record. You get no new task for"
                        + " further soft bounces until then; a hard bounce gets one.";
    }

    /**
     * Remembers a bounce event's task (or that it needs none) and notes it in the record's history.
     */
    private void handled(
            String bounceKey,
            String recordKey,
            String taskId,
            String operation,
            String outcome,
            String detail) {
        em.persist(new BounceTask(bounceKey, recordKey, taskId));
        em.persist(new SyncHistoryEntry(recordKey, operation, outcome, detail, null));
    }

    private static String bounceText(SpotlerBounce bounce, String mailing) {
        return (bounce.hard() ? "Hard" : "Soft")
                + " bounce of "
                + bounce.email()
                + " reported by Spotler on "
                + bounce.date().truncatedTo(ChronoUnit.SECONDS)
                + " in mailing "
                + mailing;
    }

    /** One bounce event: contact, time, kind and mailing. */
    static String key(SpotlerBounce bounce) {
        String text =
                bounce.externalId()
                        + "|"
                        + bounce.date().toEpochMilli()
                        + "|"
                        + (bounce.hard() ? "H" : "S")
                        + "|"
                        + bounce.mailingId();
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 64);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
