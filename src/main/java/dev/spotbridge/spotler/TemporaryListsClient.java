package dev.spotbridge.spotler;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Spotler's temporary lists (/templist), which every edition has: where a D365 marketing list goes
 * when the account's edition has no audiences. A temporary list cannot lose a member, so it is
 * replaced as a whole. A non-2xx answer is thrown by {@link SpotlerErrors}.
 */
@Path("templist")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface TemporaryListsClient {

    /** CreateTemporaryListRequest. */
    record CreateRequest(String externalTemporaryListId, String name, List<String> contacts) {}

    /** AddContactsToTemporaryListRequest. */
    record AddRequest(List<String> contacts) {}

    @POST
    void create(CreateRequest list);

    @POST
    @Path("{externalTemporaryListId}")
    void add(@PathParam("externalTemporaryListId") String id, AddRequest contacts);

    @DELETE
    @Path("{externalTemporaryListId}")
    void delete(@PathParam("externalTemporaryListId") String id);
}
