package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.runs.Resumable;
import dev.spotbridge.runs.Run;
import dev.spotbridge.runs.Runs;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * Runs (docs/runbook.md): GET /api/runs[?kind=&amp;active=true&amp;limit=50] the active runs first
 * (Running, Paused), then the latest finished; GET /api/runs/{id} one; POST /api/runs/{id}/pause
 * asks a running backfill or replay to stop after its current step (202; 409 when it cannot); POST
 * /api/runs/{id}/resume goes on with a paused, failed or interrupted one (202; 409 when it cannot).
 */
@RequestScoped
@Path("runs")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

    static final int MAX_LIMIT = 200;

    @Inject Runs runs;

    @Inject Instance<Resumable> resumables;

    @Context SecurityContext security;

    @GET
    public JsonObject list(
            @QueryParam("kind") String kind,
            @QueryParam("active") @DefaultValue("false") boolean active,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadRequestException("limit must be 1 to " + MAX_LIMIT);
        }
        JsonArrayBuilder all = Json.createArrayBuilder();
        runs.list(kind == null || kind.isBlank() ? null : kind, active, limit)
                .forEach(r -> all.add(r.json()));
        return Json.createObjectBuilder().add("runs", all).build();
    }

    @GET
    @Path("{id: [0-9]+}")
    public JsonObject one(@PathParam("id") long id) {
        return run(id).json();
    }

    @POST
    @Path("{id: [0-9]+}/pause")
    public Response pause(@PathParam("id") long id) {
        run(id);
        try {
            return Response.accepted(runs.requestPause(id).json()).build();
        } catch (Runs.Refused e) {
            return refused(e);
        }
    }

    @POST
    @Path("{id: [0-9]+}/resume")
    public Response resume(@PathParam("id") long id) {
        Run run = run(id);
        Resumable kind =
                resumables.stream()
                        .filter(r -> r.kind().equals(run.kind()))
                        .findFirst()
                        .orElse(null);
        if (kind == null) {
            return refused(
                    new Runs.Refused(
                            "a " + run.kind() + " run cannot resume; start a new one instead"));
        }
        try {
            kind.resume(run, StartedBy.admin(security));
        } catch (Runs.Refused e) {
            return refused(e);
        }
        return Response.accepted(run(id).json()).build();
    }

    private Run run(long id) {
        return runs.find(id).orElseThrow(() -> new NotFoundException("no run " + id));
    }

    private static Response refused(Runs.Refused e) {
        return Response.status(409)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", 409)
                                .add("error", "run_refused")
                                .add("message", e.getMessage())
                                .build())
                .build();
    }
}
