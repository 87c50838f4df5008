package dev.spotbridge.admin;

import dev.spotbridge.backsync.HourlyPulls;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
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
@Path("backsync/run")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class BacksyncResource {

    @Inject HourlyPulls pulls;

    @POST
    public Response run() {
        JsonObject result = pulls.run();
        return Response.status(result.getBoolean("ran") ? 200 : 409).entity(result).build();
    }
}
