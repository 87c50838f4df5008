package dev.spotbridge.sandbox;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Test and demo controls of the sandboxes (no signature needed): POST
 * /sandbox/{spotler|dataverse}/_control/faults
 * {"status":503,"count":3,"retryAfter":1,"delayMs":0,"method":"POST","path":"contact"}, DELETE
 * …/_control/faults, GET …/_control/stats, GET /sandbox/spotler/_control/contacts/{id} (the raw
 * stored contact).
 */
@RequestScoped
@Path("{service: spotler|dataverse}/_control")
@Produces(MediaType.APPLICATION_JSON)
public class SandboxControl {

    @Inject SpotlerSandbox spotler;

    @Inject DataverseSandbox dataverse;

    @Inject SandboxStore store;

    @PathParam("service")
    String service;

    @POST
    @Path("faults")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response setFault(JsonObject spec) {
        faults().set(spec);
        return Response.noContent().build();
    }

    @DELETE
    @Path("faults")
    public Response clearFault() {
        faults().clear();
        return Response.noContent().build();
    }

    /**
     * The time every API request of the sandbox waits before it is answered ({"ms": 50}), as
     * Spotler and Dataverse answer over the internet; 0 (the default) for none.
     */
    @POST
    @Path("latency")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject setLatency(JsonObject spec) {
        faults().latency(spec.getJsonNumber("ms").longValue());
        return Json.createObjectBuilder().add("ms", faults().latency()).build();
    }

    /**
     * Dataverse: the org as before any setup (POST
     * /sandbox/dataverse/_control/reset-customizations).
     */
    @POST
    @Path("reset-customizations")
    public Response resetCustomizations() {
        if (!"dataverse".equals(service)) {
            throw new NotFoundException("only the Dataverse sandbox has customizations");
        }
        dataverse.resetCustomizations();
        return Response.noContent().build();
    }

    /**
     * Dataverse's service protection limit: {"maxRequests": N, "windowSeconds": W} (0: none, the
     * default); the stats then count "throttled" requests and the "maxInWindow" any window held.
     */
    @POST
    @Path("service-protection")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response serviceProtection(JsonObject spec) {
        if (!"dataverse".equals(service)) {
            throw new NotFoundException(
                    "only the Dataverse sandbox has a service protection limit");
        }
        int max = spec.getInt("maxRequests", 0);
        int window = spec.getInt("windowSeconds", 300);
        if (max < 0 || window < 1) {
            throw new BadRequestException("maxRequests must be 0 or more, windowSeconds 1 or more");
        }
        dataverse.serviceProtection(max, window);
        return Response.noContent().build();
    }

    @GET
    @Path("stats")
    public JsonObject stats() {
        return "spotler".equals(service) ? spotler.stats() : dataverse.stats();
    }

    @GET
    @Path("contacts/{id}")
    public JsonObject spotlerContact(@PathParam("id") String id) {
        if (!"spotler".equals(service)) {
            throw new NotFoundException("only the Spotler sandbox lists contacts here");
        }
        return store.get(SpotlerSandbox.KIND, id)
                .map(SpotlerSandbox::view)
                .orElseThrow(
                        () -> new NotFoundException("the Spotler sandbox has no contact " + id));
    }

    /**
     * Which of these external ids the Spotler sandbox has no contact of: {"ids":[…]} →
     * {"missing":[…]}.
     */
    @POST
    @Path("contacts/missing")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject missingContacts(JsonObject spec) {
        spotlerOnly();
        List<String> ids =
                spec.getJsonArray("ids").stream()
                        .map(v -> ((jakarta.json.JsonString) v).getString())
                        .toList();
        java.util.Set<String> present = new java.util.HashSet<>();
        for (int from = 0; from < ids.size(); from += 1000) {
            store.getAll(SpotlerSandbox.KIND, ids.subList(from, Math.min(ids.size(), from + 1000)))
                    .forEach(c -> present.add(c.getString("externalId", "")));
        }
        jakarta.json.JsonArrayBuilder missing = Json.createArrayBuilder();
        ids.stream().filter(id -> !present.contains(id)).forEach(missing::add);
        return Json.createObjectBuilder().add("missing", missing).build();
    }

    @POST
    @Path("contacts/{id}/optout")
    public Response optOut(@PathParam("id") String id) {
        spotlerOnly();
        spotler.optOut(id, true);
        return Response.noContent().build();
    }

    /** The contact submitted a form that set some of its properties (see SpotlerSandbox). */
    @POST
    @Path("contacts/{id}/form")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response formSubmitted(@PathParam("id") String id, JsonObject spec) {
        spotlerOnly();
        spotler.formSubmitted(id, spec);
        return Response.noContent().build();
    }

    @POST
    @Path("contacts/{id}/reactivate")
    public Response reactivate(@PathParam("id") String id) {
        spotlerOnly();
        spotler.optOut(id, false);
        return Response.noContent().build();
    }

    @POST
    @Path("bounces")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response bounce(JsonObject spec) {
        spotlerOnly();
        if (!spec.containsKey("externalId")) {
            throw new BadRequestException("externalId is required");
        }
        spotler.bounce(spec);
        return Response.noContent().build();
    }

    @POST
    @Path("campaigns")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response campaign(JsonObject spec) {
        spotlerOnly();
        spotler.campaign(spec);
        return Response.noContent().build();
    }

    @POST
    @Path("interactions")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject interactions(JsonObject spec) {
        spotlerOnly();
        return Json.createObjectBuilder().add("created", spotler.interactions(spec)).build();
    }

    /**
     * Dataverse sandbox only: {"set":"contacts","count":100000,"prefix":"bench"} makes that many
     * active rows (benchmarks, demos); answers how many and the first and last id.
     */
    @POST
    @Path("seed")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject seed(JsonObject spec) {
        if (!"dataverse".equals(service)) {
            throw new NotFoundException("only the Dataverse sandbox seeds rows");
        }
        int count = spec.getInt("count", 0);
        if (count < 1 || count > 1_000_000) {
            throw new BadRequestException("count must be 1 … 1000000");
        }
        List<String> ids =
                dataverse.seed(
                        spec.getString("set", "contacts"),
                        count,
                        spec.getString("prefix", "seed"),
                        spec.getInt("statecode", 0));
        return Json.createObjectBuilder()
                .add("seeded", ids.size())
                .add("first", ids.get(0))
                .add("last", ids.get(ids.size() - 1))
                .build();
    }

    @GET
    @Path("audiences/{id}")
    public JsonObject audience(@PathParam("id") String id) {
        spotlerOnly();
        return spotler.raw(SpotlerSandbox.AUDIENCE, id)
                .orElseThrow(
                        () -> new NotFoundException("the Spotler sandbox has no audience " + id));
    }

    @GET
    @Path("templists/{id}")
    public JsonObject temporaryList(@PathParam("id") String id) {
        spotlerOnly();
        return spotler.raw(SpotlerSandbox.TEMPLIST, id)
                .orElseThrow(
                        () -> new NotFoundException("the Spotler sandbox has no templist " + id));
    }

    /**
     * {"audiences":false}: the account's edition has no lists (every /audience call answers 403, as
     * on editions other than Automation and eCommerce); true: back to the default.
     */
    @POST
    @Path("edition")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response edition(JsonObject spec) {
        spotlerOnly();
        spotler.edition(spec.getBoolean("audiences", true));
        return Response.noContent().build();
    }

    @GET
    @Path("campaigns/{id}")
    public JsonObject campaignState(@PathParam("id") String id) {
        spotlerOnly();
        return spotler.raw(SpotlerSandbox.CAMPAIGN, id)
                .or(() -> spotler.raw(SpotlerSandbox.AUTOMATION, id))
                .orElseThrow(
                        () ->
                                new NotFoundException(
                                        "the Spotler sandbox has no campaign or automation " + id));
    }

    private void spotlerOnly() {
        if (!"spotler".equals(service)) {
            throw new NotFoundException("only the Spotler sandbox has this control");
        }
    }

    private Faults faults() {
        return "spotler".equals(service) ? spotler.faults() : dataverse.faults();
    }
}
