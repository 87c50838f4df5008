package dev.spotbridge.admin;

import dev.spotbridge.jobs.Backfill;
import dev.spotbridge.jobs.BackfillRunner;
import dev.spotbridge.jobs.Backfills;
import dev.spotbridge.json.Json;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * Backfills (docs/runbook.md): POST /api/backfills [{"entities":["contact","lead","account"]}]
 * starts one (202; 409 while another runs), GET /api/backfills the latest 20, GET
 * /api/backfills/{id} one, POST /api/backfills/{id}/resume goes on with a Failed or Interrupted one
 * from its last finished page. Each backfill reports its progress on a run (its "run": GET
 * /api/runs/{id}, where it can also pause).
 */
@RequestScoped
@Path("backfills")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class BackfillsResource {

    @Inject Backfills backfills;

    @Inject BackfillRunner runner;

    @Context SecurityContext security;

    @POST
    public Response start(String body) {
        List<String> entities = entities(body);
        try {
            Backfill backfill =
                    backfills.create(entities, "admin", StartedBy.admin(security)).backfill();
            runner.run(backfill.id());
            return Response.accepted(backfill.json()).build();
        } catch (Backfills.Busy e) {
            return conflict(e);
        }
    }

    @GET
    public JsonObject list() {
        JsonArrayBuilder all = Json.createArrayBuilder();
        backfills.recent(20).forEach(b -> all.add(b.json()));
        return Json.createObjectBuilder().add("backfills", all).build();
    }

    @GET
    @Path("{id: [0-9]+}")
    public JsonObject one(@PathParam("id") long id) {
        return backfills
                .find(id)
                .map(Backfill::json)
                .orElseThrow(() -> new NotFoundException("no backfill " + id));
    }

    @POST
    @Path("{id: [0-9]+}/resume")
    public Response resume(@PathParam("id") long id) {
        try {
            Backfill backfill =
                    backfills
                            .resume(id, StartedBy.admin(security))
                            .orElseThrow(() -> new NotFoundException("no backfill " + id));
            runner.run(backfill.id());
            return Response.accepted(backfill.json()).build();
        } catch (Backfills.Busy e) {
            return conflict(e);
        }
    }

    private static Response conflict(Backfills.Busy e) {
        return Response.status(409)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", 409)
                                .add("error", "backfill_running")
                                .add("message", e.getMessage())
                                .build())
                .build();
    }

    /** The tables asked for (in the order of Backfills.ALL); all three without a body. */
    private static List<String> entities(String body) {
        if (body == null || body.isBlank()) {
            return Backfills.ALL;
        }
        JsonObject request;
        try (var reader = Json.createReader(new StringReader(body))) {
            request = reader.readObject();
        } catch (RuntimeException e) {
            throw new BadRequestException("the body must be a JSON object: " + e.getMessage());
        }
        JsonValue asked = request.get("entities");
        if (asked == null) {
            return Backfills.ALL;
        }
        if (asked.getValueType() != JsonValue.ValueType.ARRAY || asked.asJsonArray().isEmpty()) {
            throw new BadRequestException(
                    "entities must be a non-empty array of contact, lead, account");
        }
        List<String> wanted = new ArrayList<>();
        for (JsonValue v : asked.asJsonArray()) {
            if (!(v instanceof JsonString s) || !Backfills.ALL.contains(s.getString())) {
                throw new BadRequestException("unknown entity " + v + ": contact, lead or account");
            }
            wanted.add(s.getString());
        }
        return Backfills.ALL.stream().filter(wanted::contains).toList();
    }
}
