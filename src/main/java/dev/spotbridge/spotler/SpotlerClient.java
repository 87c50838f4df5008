package dev.spotbridge.spotler;

import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The Spotler Mail+ REST API (paths relative to the base URL ending in /integrationservice).
 * Answers are checked by the gateway.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface SpotlerClient {

    @GET
    @Path("contact/properties/list")
    Response properties();

    @GET
    @Path("contact/{externalId}")
    Response contact(@PathParam("externalId") String externalId);

    @POST
    @Path("contact")
    Response upsert(JsonObject contactRequest);

    @PUT
    @Path("contact/{externalId}")
    Response update(@PathParam("externalId") String externalId, JsonObject contactRequest);

    @POST
    @Path("contact/list")
    Response upsertAll(JsonObject addContactsRequest);

    @GET
    @Path("contact/updates/list")
    Response updates(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("contact/bounces/list")
    Response bounces(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("mailing/{encryptedMailingId}")
    Response mailing(@PathParam("encryptedMailingId") String encryptedMailingId);

    @POST
    @Path("audience")
    Response createAudience(JsonObject audience);

    @GET
    @Path("audience/{externalId}")
    Response audience(@PathParam("externalId") String externalId);

    @PUT
    @Path("audience/{externalId}")
    Response updateAudience(@PathParam("externalId") String externalId, JsonObject audience);

    @DELETE
    @Path("audience/{externalId}")
    Response deleteAudience(@PathParam("externalId") String externalId);

    @POST
    @Path("audience/{externalId}/contact")
    Response addAudienceContacts(@PathParam("externalId") String externalId, JsonObject contacts);

    /** A null body removes every member. */
    @DELETE
    @Path("audience/{externalId}/contact")
    Response removeAudienceContacts(
            @PathParam("externalId") String externalId, JsonObject contacts);

    @GET
    @Path("campaign/list")
    Response campaigns();

    @POST
    @Path("campaign/trigger/{encryptedTriggerId}")
    Response triggerCampaign(@PathParam("encryptedTriggerId") String triggerId, JsonObject request);

    @POST
    @Path("campaign/{encryptedCampaignId}/stop")
    Response stopCampaign(@PathParam("encryptedCampaignId") String campaignId, JsonObject request);

    @POST
    @Path("automation/trigger/{triggerCode}")
    Response triggerAutomation(@PathParam("triggerCode") String code, JsonObject request);

    @GET
    @Path("mailing-interaction/{kind}")
    Response interactions(
            @PathParam("kind") String kind,
            @QueryParam("fromChangeDate") String fromChangeDate,
            @QueryParam("toChangeDate") String toChangeDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("campaign-mailing/{encryptedMailingId}")
    Response campaignMailing(@PathParam("encryptedMailingId") String encryptedMailingId);
}
