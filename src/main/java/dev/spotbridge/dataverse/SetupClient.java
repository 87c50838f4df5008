package dev.spotbridge.dataverse;

import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.annotation.ClientHeaderParam;

/**
 * The parts of the Dataverse Web API that setup uses: metadata (EntityDefinitions,
 * GlobalOptionSetDefinitions, RelationshipDefinitions), solutions and their import, and the
 * registration tables (serviceendpoints, sdkmessageprocessingsteps, …). Answers are checked by
 * {@link SolutionGateway}.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@ClientHeaderParam(name = "OData-MaxVersion", value = "4.0")
@ClientHeaderParam(name = "OData-Version", value = "4.0")
public interface SetupClient {

    /** A resource: a table's rows or one row, a metadata definition, a function. */
    @GET
    @Path("{resource}")
    Response get(
            @PathParam("resource") String resource,
            @QueryParam("$select") String select,
            @QueryParam("$filter") String filter,
            @QueryParam("$expand") String expand,
            @HeaderParam("Authorization") String bearer);

    /** A collection under a resource (EntityDefinitions(LogicalName='contact')/Attributes). */
    @GET
    @Path("{resource}/{navigation}")
    Response getUnder(
            @PathParam("resource") String resource,
            @PathParam("navigation") String navigation,
            @QueryParam("$select") String select,
            @QueryParam("$filter") String filter,
            @HeaderParam("Authorization") String bearer);

    /**
     * Creates a row or a definition, or calls an action; with a solution name, what it creates is
     * added to that solution.
     */
    @POST
    @Path("{resource}")
    Response post(
            @PathParam("resource") String resource,
            JsonObject body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String bearer);

    @POST
    @Path("{resource}/{navigation}")
    Response postUnder(
            @PathParam("resource") String resource,
            @PathParam("navigation") String navigation,
            JsonObject body,
            @HeaderParam("MSCRM.SolutionUniqueName") String solution,
            @HeaderParam("Authorization") String bearer);

    /** Associates a row with another by a collection-valued navigation property. */
    @POST
    @Path("{resource}/{navigation}/$ref")
    Response associate(
            @PathParam("resource") String resource,
            @PathParam("navigation") String navigation,
            JsonObject reference,
            @HeaderParam("Authorization") String bearer);

    /** Update only (If-Match: *). */
    @PATCH
    @Path("{resource}")
    @ClientHeaderParam(name = "If-Match", value = "*")
    Response patch(
            @PathParam("resource") String resource,
            JsonObject body,
            @HeaderParam("Authorization") String bearer);
}
