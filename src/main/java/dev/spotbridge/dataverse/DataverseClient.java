package dev.spotbridge.dataverse;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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
@ClientHeaderParam(name = "OData-MaxVersion", value = "4.0")
@ClientHeaderParam(name = "OData-Version", value = "4.0")
@ClientHeaderParam(
        name = "Prefer",
        value = "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\"")
public interface DataverseClient {

    @GET
    @Path("{set}({id})")
    Response row(
            @PathParam("set") String entitySet,
            @PathParam("id") String id,
            @QueryParam("$select") String select,
            @HeaderParam("Authorization") String bearer);
}
