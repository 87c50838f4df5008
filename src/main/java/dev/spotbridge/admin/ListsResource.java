package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.ingest.SyncQueue;
import dev.spotbridge.json.Json;
import dev.spotbridge.lists.ListSync;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.records.SyncRecords;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * POST /api/lists/{listid}/sync: "Sync to Spotler" of a marketing list, queued (202). With
 * ?dryRun=true it runs at once and answers who would be added and removed and which contacts would
 * be created or changed, writing nothing.
 */
@RequestScoped
@Path("lists")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class ListsResource {

    @Inject SyncQueue queue;

    @Inject ListSync lists;

    @Inject SyncRecords records;

    /**
     * GET /api/lists/{listid}: the list's audience state and its history (syncs, lifecycle, member
     * events, jobs).
     */
    @GET
    @Path("{listid}")
    public JsonObject list(@PathParam("listid") String listId) {
        String guid = DataverseValues.guid(listId);
        JsonArrayBuilder history = Json.createArrayBuilder();
        if (guid != null) {
            records.historyOf("list:" + guid)
                    .forEach(
                            h ->
                                    history.add(
                                            Json.createObjectBuilder()
                                                    .add("at", h.at().toString())
                                                    .add("operation", h.operation())
                                                    .add("outcome", h.outcome())
                                                    .add(
                                                            "detail",
                                                            h.detail() == null ? "" : h.detail())));
        }
        JsonObject state = guid == null ? null : lists.state(guid).orElse(null);
        JsonArray lines = history.build();
        if (state == null && lines.isEmpty()) {
            throw new NotFoundException("Spotbridge has not seen marketing list " + listId);
        }
        return Json.createObjectBuilder(
                        state == null
                                ? Json.createObjectBuilder()
                                        .add("listId", guid)
                                        .add("audience", false)
                                        .build()
                                : state)
                .add("history", lines)
                .build();
    }

    @POST
    @Path("{listid}/sync")
    public Response sync(@PathParam("listid") String listId, @QueryParam("dryRun") boolean dryRun) {
        String guid = DataverseValues.guid(listId);
        if (guid == null) {
            throw new NotFoundException("no marketing list " + listId + " (the id must be a GUID)");
        }
        if (dryRun) {
            try {
                return Response.ok(lists.sync(guid, true, null).json()).build();
            } catch (ListSync.NotSyncable e) {
                throw new WebApplicationException(
                        e.getMessage(),
                        Response.status(409)
                                .type(MediaType.APPLICATION_JSON_TYPE)
                                .entity(
                                        Json.createObjectBuilder()
                                                .add("status", 409)
                                                .add("error", "not_syncable")
                                                .add("message", e.getMessage())
                                                .build())
                                .build());
            }
        }
        queue.send(
                new ChangeEvent(
                        "sync-list|" + UUID.randomUUID(),
                        "list",
                        guid,
                        "SyncList",
                        ChangeEvent.Operation.LIST_SYNC,
                        Instant.now(),
                        null,
                        Map.of(),
                        false,
                        null,
                        null));
        return Response.accepted(
                        Json.createObjectBuilder()
                                .add("status", 202)
                                .add("listId", guid)
                                .add("message", "SyncList")
                                .build())
                .build();
    }
}
