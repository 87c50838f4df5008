package dev.spotbridge.backsync;

import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.dataverse.OwnerTask;
import dev.spotbridge.records.SyncHistoryEntry;
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
import java.util.Optional;
import java.util.UUID;

/**
 * A bounce in Spotler becomes one D365 task for the owner of the record, regarding the record,
 * saying which address bounced, how and in which mailing. Exactly once per bounce event, across
 * reruns and restarts: the task's activityid is derived from the bounce (a repeated create finds it
 * already there), and the bounce is remembered in table bounce_task.
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
        Optional<String> recordKey = records.keyOfExternalId(bounce.externalId());
        if (recordKey.isEmpty()) {
            return false;
        }
        String[] parts = recordKey.get().split(":", 2);
        String entity = parts[0];
        String id = parts[1];
        UUID taskId =
                UUID.nameUUIDFromBytes(
                        ("spotbridge-bounce:" + key).getBytes(StandardCharsets.UTF_8));
        Optional<OwnerTask.Owner> owner = dataverse.owner(entity, id);
        if (owner.isEmpty()) {
            handled(
                    key,
                    recordKey.get(),
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
                        "Email bounced ("
                                + (bounce.hard() ? "hard" : "soft")
                                + "): "
                                + bounce.email(),
                        bounceText(bounce, mailing)
                                + ". Check the address, correct it on the record, or switch bulk email off.",
                        bounce.hard(),
                        Instant.now().plus(Duration.ofDays(2)),
                        owner.get());
        boolean created = dataverse.createTask(task);
        handled(
                key,
                recordKey.get(),
                taskId.toString(),
                "Bounce",
                "Succeeded",
                bounceText(bounce, mailing)
                        + "; task "
                        + taskId
                        + " for the record's owner"
                        + (created ? "" : " (already there)"));
        return created;
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
