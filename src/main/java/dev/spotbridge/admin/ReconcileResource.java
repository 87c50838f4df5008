package dev.spotbridge.admin;

import dev.spotbridge.backsync.ReconcileRun;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** POST /api/reconcile/run: the drift reconciliation, now; 409 when another run holds the lock. */
@RequestScoped
@Path("reconcile/run")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class ReconcileResource {

    @Inject ReconcileRun reconcile;

    @POST
    public Response run() {
        JsonObject result = reconcile.run();
        return Response.status(result.getBoolean("ran") ? 200 : 409).entity(result).build();
    }
}
