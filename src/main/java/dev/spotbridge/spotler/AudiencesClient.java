package dev.spotbridge.spotler;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Spotler's audiences (/audience): the lists Dynamics 365 marketing lists become. A non-2xx answer
 * is thrown by {@link SpotlerErrors}.
 */
@Path("audience")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface AudiencesClient {

    /** CreateAudienceRequest, also the body of PUT /audience/{externalId}. */
    record AudienceRequest(String externalId, String name, String description) {}

    /** Audience, as Spotler answers it. */
    record Audience(String externalId, String name, String description) {}

    /** ChangeContactsAudienceRequest: at most 2500 externalContactIds. */
    record ContactIds(List<String> contacts) {}

    @POST
    void create(AudienceRequest audience);

    @GET
    @Path("{externalId}")
    Audience audience(@PathParam("externalId") String externalId);

    @PUT
    @Path("{externalId}")
    void update(@PathParam("externalId") String externalId, AudienceRequest audience);

    @DELETE
    @Path("{externalId}")
    void delete(@PathParam("externalId") String externalId);

    @POST
    @Path("{externalId}/contact")
    void addContacts(@PathParam("externalId") String externalId, ContactIds contacts);

    /** A null body removes every member. */
    @DELETE
    @Path("{externalId}/contact")
    void removeContacts(@PathParam("externalId") String externalId, ContactIds contacts);
}
