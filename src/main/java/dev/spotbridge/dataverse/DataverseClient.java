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
 * The Dataverse Web API (base URL ending in /api/data/v9.2). Answers are checked by the gateway.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@ClientHeaderParam(name = "OData-MaxVersion", value = "4.0")
@ClientHeaderParam(name = "OData-Version", value = "4.0")
public interface DataverseClient {

    /**
     * A lookup's table (lookuplogicalname) and the referenced row's primary name (FormattedValue),
     * for a mapping that maps a lookup by its name.
     */
    String ANNOTATIONS =
            "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname,"
                    + "OData.Community.Display.V1.FormattedValue\"";

    String BATCH_BOUNDARY = "batch_spotbridge";

    @GET
    @Path("{set}({id})")
    @ClientHeaderParam(name = "Prefer", value = ANNOTATIONS)
    Response row(
            @PathParam("set") String entitySet,
            @PathParam("id") String id,
            @QueryParam("$select") String select,
            @HeaderParam("Authorization") String bearer);

    @GET
    @Path("{set}")
    Response rows(
            @PathParam("set") String entitySet,
            @QueryParam("$select") String select,
            @QueryParam("$filter") String filter,
            @QueryParam("$skiptoken") String skipToken,
            @HeaderParam("Prefer") String prefer,
            @HeaderParam("Authorization") String bearer);

    /** Update only (If-Match: *): 404 when the row does not exist, never an accidental create. */
    @PATCH
    @Path("{set}({id})")
    @ClientHeaderParam(name = "If-Match", value = "*")
    Response update(
            @PathParam("set") String entitySet,
            @PathParam("id") String id,
            JsonObject columns,
            @HeaderParam("Authorization") String bearer);

    @POST
    @Path("{set}")
    Response create(
            @PathParam("set") String entitySet,
            JsonObject columns,
            @HeaderParam("Authorization") String bearer);

    /** Static list members through the N:N navigation (listcontact_association, …). */
    @GET
    @Path("lists({id})/{navigation}")
    Response listMembers(
            @PathParam("id") String listId,
            @PathParam("navigation") String navigation,
            @QueryParam("$select") String select,
            @QueryParam("$skiptoken") String skipToken,
            @HeaderParam("Prefer") String prefer,
            @HeaderParam("Authorization") String bearer);

    /** A FetchXML query (dynamic list members). */
    @GET
    @Path("{set}")
    @ClientHeaderParam(name = "Prefer", value = ANNOTATIONS)
    Response fetch(
            @PathParam("set") String entitySet,
            @QueryParam("fetchXml") String fetchXml,
            @HeaderParam("Authorization") String bearer);

    /**
     * RetrieveTotalRecordCount: the rows of tables as Dataverse counted them within the last 24
     * hours, active or not (an estimate; a count of the rows themselves is limited to 5000).
     *
     * @param entityNames a JSON array of logical names: ["contact","lead"]
     */
    @GET
    @Path("RetrieveTotalRecordCount(EntityNames={names})")
    Response totalRecordCount(
            @PathParam("names") String entityNames, @HeaderParam("Authorization") String bearer);

    /** An OData $batch (multipart/mixed, one boundary per request body). */
    @POST
    @Path("$batch")
    @Consumes("multipart/mixed;boundary=" + BATCH_BOUNDARY)
    @Produces("multipart/mixed")
    Response batch(String body, @HeaderParam("Authorization") String bearer);

    /**
     * CreateMultiple or UpdateMultiple of one table: {"Targets": [...]}, one request for all, all
     * or nothing.
     *
     * @param bypass "CustomAsync" to run no asynchronous step for them, or null
     */
    @POST
    @Path("{set}/Microsoft.Dynamics.CRM.{action}")
    Response multiple(
            @PathParam("set") String entitySet,
            @PathParam("action") String action,
            JsonObject targets,
            @HeaderParam("MSCRM.BypassBusinessLogicExecution") String bypass,
            @HeaderParam("Authorization") String bearer);
}
