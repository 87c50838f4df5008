package dev.spotbridge.dataverse;

import dev.spotbridge.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A task for the owner of a record, regarding the record (a bounce in Spotler, for example).
 *
 * @param taskId the task's own id, the same on every run (a repeated create meets "duplicate key")
 * @param entity the record's table (contact, lead, account)
 * @param high high priority, else normal
 * @param owner who gets the task; unknown: the task is left to D365's default owner
 */
public record OwnerTask(
        String taskId,
        String entity,
        String recordId,
        String subject,
        String description,
        boolean high,
        Instant due,
        Owner owner) {

    /** The owner of a record: a user or a team; {@code id} null when Dataverse did not say. */
    public record Owner(boolean team, String id) {

        static final Owner UNKNOWN = new Owner(false, null);
    }

    JsonObject body() {
        JsonObjectBuilder task =
                Json.createObjectBuilder()
                        .add("activityid", taskId)
                        .add("subject", subject)
                        .add("description", description)
                        .add(
                                "regardingobjectid_" + entity + "_task@odata.bind",
                                "/" + DataverseGateway.entitySet(entity) + "(" + recordId + ")")
                        .add("prioritycode", high ? 2 : 1)
                        .add("scheduledend", due.truncatedTo(ChronoUnit.SECONDS).toString());
        if (owner.id() != null) {
            task.add(
                    "ownerid@odata.bind",
                    "/" + (owner.team() ? "teams" : "systemusers") + "(" + owner.id() + ")");
        }
        return task.build();
    }
}
