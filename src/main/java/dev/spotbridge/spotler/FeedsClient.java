package dev.spotbridge.spotler;

import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * What Spotler reports back: contacts changed and bounced within a window, mailing interactions by
 * change date, and the mailings they belong to. The feeds answer either the documented envelope
 * ({@code {paging, contacts|bounces|interactions}}) or a bare array (the versioned base path of
 * older clients), so their pages are read as JSON and taken apart by {@link SpotlerGateway}. A
 * non-2xx answer is thrown by {@link SpotlerErrors}.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface FeedsClient {

    /** Message of a mailing. */
    record Message(String name, String subject) {}

    /** MailingLink: a link of a mailing, which clicks name by id. */
    record MailingLink(Integer id, String name, String url) {}

    /** MailingDetails, or CampaignMailingDetails for a mailing of a triggered campaign. */
    record MailingDetails(
            String encryptedId,
            String name,
            String type,
            Message message,
            List<MailingLink> links) {}

    @GET
    @Path("contact/updates/list")
    JsonValue changedContacts(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("contact/bounces/list")
    JsonValue bounces(
            @QueryParam("fromDate") String fromDate,
            @QueryParam("toDate") String toDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("mailing-interaction/{kind}")
    JsonValue interactions(
            @PathParam("kind") String kind,
            @QueryParam("fromChangeDate") String fromChangeDate,
            @QueryParam("toChangeDate") String toChangeDate,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    @GET
    @Path("mailing/{encryptedMailingId}")
    MailingDetails mailing(@PathParam("encryptedMailingId") String encryptedMailingId);

    @GET
    @Path("campaign-mailing/{encryptedMailingId}")
    MailingDetails campaignMailing(@PathParam("encryptedMailingId") String encryptedMailingId);

    /** MailingContactClickResponse: one contact's clicks on a mailing's links. */
    @GET
    @Path("mailing/{encryptedMailingId}/clicks/{externalId}")
    JsonValue contactClicks(
            @PathParam("encryptedMailingId") String encryptedMailingId,
            @PathParam("externalId") String externalId,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);

    /** CampaignMailingClickResponse: every click on a campaign mailing's links. */
    @GET
    @Path("campaign-mailing/{encryptedMailingId}/clicks")
    JsonValue campaignClicks(
            @PathParam("encryptedMailingId") String encryptedMailingId,
            @QueryParam("pageSize") int pageSize,
            @QueryParam("after") int after);
}
