package dev.spotbridge.admin;

import dev.spotbridge.backsync.HourlyPulls;
import dev.spotbridge.backsync.PullFailure;
import dev.spotbridge.backsync.PullFailures;
import dev.spotbridge.backsync.Watermarks;
import dev.spotbridge.json.Json;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * POST /api/backsync/run: the hourly back-sync, now; answers what it did, or 409 when another run
 * holds the lock.
 */
@RequestScoped
@Path("backsync")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class BacksyncResource {

    @Inject HourlyPulls pulls;

    @Inject Watermarks watermarks;

    @Inject PullFailures failures;

    /** GET /api/backsync: how far each feed has been read (its watermark). */
    @GET
    public JsonObject state() {
        JsonObjectBuilder feeds = Json.createObjectBuilder();
        watermarks.positions().forEach((feed, at) -> feeds.add(feed, at.toString()));
        return Json.createObjectBuilder().add("watermarks", feeds).build();
    }

    /**
     * GET /api/backsync/failures?max=100: the items of Spotler's feeds that runs skipped because
     * they could not be read or applied, newest first, each with its feed, contact, reason and the
     * item as Spotler sent it.
     */
    @GET
    @Path("failures")
    public JsonArray failures(@QueryParam("max") @DefaultValue("100") int max) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (PullFailure f : failures.recent(Math.max(1, Math.min(max, 1000)))) {
            JsonObjectBuilder o =
                    Json.createObjectBuilder()
                            .add("id", f.id())
                            .add("feed", f.feed())
                            .add("failedAt", f.failedAt().toString())
                            .add("reason", f.reason())
                            .add("item", f.item());
            if (f.externalId() != null) {
                o.add("externalId", f.externalId());
            }
            if (f.recordKey() != null) {
                o.add("record", f.recordKey());
            }
            out.add(o);
        }
        return out.build();
    }

    @POST
    @Path("run")
    public Response run() {
        JsonObject result = pulls.run();
        return Response.status(result.getBoolean("ran") ? 200 : 409).entity(result).build();
    }
}
