package dev.spotbridge.admin;

import dev.spotbridge.privacy.Retention;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * POST /api/retention/run: the retention run, now (rows and dead letters older than their settings
 * go); 409 when another run holds the lock.
 */
@RequestScoped
@Path("retention/run")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class RetentionResource {

    @Inject Retention retention;

    @POST
    public Response run() {
        JsonObject result = retention.run(null);
        return Response.status(result.getBoolean("ran") ? 200 : 409).entity(result).build();
    }
}
