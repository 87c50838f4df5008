package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.sync.SyncHistoryEntry;
import dev.spotbridge.sync.SyncRecord;
import dev.spotbridge.sync.SyncRecords;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Set;

/** GET /api/records/{entity}/{id}: a record's sync status, last error and full history. */
@jakarta.enterprise.context.RequestScoped
@Path("records")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class RecordsResource {

    private static final Set<String> ENTITIES = Set.of("contact", "lead", "account");

    @Inject SyncRecords records;

    @GET
    @Path("{entity}/{id}")
    public JsonObject record(@PathParam("entity") String entity, @PathParam("id") String id) {
        String guid = DataverseValues.guid(id);
        if (!ENTITIES.contains(entity) || guid == null) {
            throw new NotFoundException(
                    "no "
                            + entity
                            + " record "
                            + id
                            + " (entity must be contact, lead or account; id a GUID)");
        }
        SyncRecord record =
                records.find(entity, guid)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "Spotbridge has not seen " + entity + " " + guid));
        JsonArrayBuilder history = Json.createArrayBuilder();
        for (SyncHistoryEntry entry : records.history(record)) {
            history.add(
                    Json.createObjectBuilder()
                            .add("at", entry.at().toString())
                            .add("operation", entry.operation())
                            .add("outcome", entry.outcome())
                            .add("detail", text(entry.detail())));
        }
        JsonObjectBuilder json =
                Json.createObjectBuilder()
                        .add("entity", record.entity())
                        .add("id", record.recordId())
                        .add("status", record.status().name())
                        .add("lastSyncedAt", time(record.lastSyncedAt()))
                        .add("lastError", text(record.lastError()))
                        .add("history", history);
        return json.build();
    }

    private static JsonValue text(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }

    private static JsonValue time(Instant value) {
        return value == null ? JsonValue.NULL : Json.createValue(value.toString());
    }
}
