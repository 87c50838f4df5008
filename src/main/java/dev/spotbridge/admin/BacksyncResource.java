package dev.spotbridge.admin;

import dev.spotbridge.backsync.HourlyPulls;
import dev.spotbridge.backsync.Watermarks;
import dev.spotbridge.json.Json;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
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

    /** GET /api/backsync: how far each feed has been read (its watermark). */
    @GET
    public JsonObject state() {
        JsonObjectBuilder feeds = Json.createObjectBuilder();
        watermarks.positions().forEach((feed, at) -> feeds.add(feed, at.toString()));
        return Json.createObjectBuilder().add("watermarks", feeds).build();
    }

    @POST
    @Path("run")
    public Response run() {
        JsonObject result = pulls.run();
        return Response.status(result.getBoolean("ran") ? 200 : 409).entity(result).build();
    }
}
