package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseRejectedException;
import dev.spotbridge.dataverse.DataverseUnavailableException;
import dev.spotbridge.json.Json;
import dev.spotbridge.setup.DataverseSetup;
import dev.spotbridge.setup.SetupItem;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Setting Dataverse up (docs/dataverse-solution.md): POST /api/setup/dataverse creates or updates
 * the Spotbridge solution and the webhook registration ({@code ?dryRun=true}: says what it would
 * do); GET /api/setup/check reads it all back, item by item, OK / MISSING / DRIFTED with the fix.
 * 502 when Dataverse refused a request, 503 when it could not be reached.
 */
@RequestScoped
@Path("setup")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class SetupResource {

    @Inject DataverseSetup setup;

    @GET
    @Path("check")
    public Response check() {
        return answer(
                () -> {
                    DataverseSetup.Report report = setup.check();
                    return Response.ok(
                                    summary(report.items())
                                            .add("ok", report.ok())
                                            .add("items", items(report.items()))
                                            .build())
                            .build();
                });
    }

    @POST
    @Path("dataverse")
    public Response dataverse(@QueryParam("dryRun") boolean dryRun) {
        return answer(
                () -> {
                    DataverseSetup.Report report = setup.setup(dryRun);
                    List<SetupItem> fixable = report.fixable();
                    JsonObjectBuilder out = Json.createObjectBuilder().add("dryRun", dryRun);
                    if (dryRun) {
                        out.add("changes", fixable.size())
                                .add(
                                        "message",
                                        fixable.isEmpty()
                                                ? "nothing to change"
                                                : fixable.size() + " changes to make")
                                .add("items", items(fixable));
                        return Response.ok(out.build()).build();
                    }
                    JsonArrayBuilder done = Json.createArrayBuilder();
                    report.done().forEach(done::add);
                    out.add("changes", report.done().size())
                            .add(
                                    "message",
                                    report.failure() != null
                                            ? "setup stopped: " + report.failure()
                                            : report.done().isEmpty()
                                                    ? "nothing to change"
                                                    : report.done().size() + " changes made")
                            .add("done", done);
                    if (report.failure() != null) {
                        out.add("error", "setup_failed").add("failure", report.failure());
                        return Response.status(502).entity(out.build()).build();
                    }
                    DataverseSetup.Report after = setup.check();
                    out.add(
                            "check",
                            summary(after.items())
                                    .add("ok", after.ok())
                                    .add(
                                            "items",
                                            items(
                                                    after.items().stream()
                                                            .filter(i -> !i.ok())
                                                            .toList())));
                    return Response.ok(out.build()).build();
                });
    }

    private static JsonObjectBuilder summary(List<SetupItem> items) {
        Map<SetupItem.Status, Integer> counts = new EnumMap<>(SetupItem.Status.class);
        for (SetupItem.Status s : SetupItem.Status.values()) {
            counts.put(s, 0);
        }
        items.forEach(i -> counts.merge(i.status(), 1, Integer::sum));
        JsonObjectBuilder c = Json.createObjectBuilder();
        counts.forEach((s, n) -> c.add(s.name(), n));
        return Json.createObjectBuilder().add("counts", c);
    }

    private static JsonArrayBuilder items(List<SetupItem> items) {
        JsonArrayBuilder out = Json.createArrayBuilder();
        for (SetupItem i : items) {
            out.add(
                    Json.createObjectBuilder()
                            .add("area", i.area())
                            .add("name", i.name())
                            .add("status", i.status().name())
                            .add("detail", i.detail())
                            .add("fix", i.fix()));
        }
        return out;
    }

    private static Response answer(Supplier<Response> work) {
        try {
            return work.get();
        } catch (DataverseRejectedException e) {
            return failure(502, "dataverse_refused", e.getMessage());
        } catch (DataverseUnavailableException e) {
            return failure(503, "dataverse_unavailable", e.getMessage());
        }
    }

    private static Response failure(int status, String error, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", status)
                                .add("error", error)
                                .add("message", message)
                                .build())
                .build();
    }
}
