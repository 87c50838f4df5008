package dev.spotbridge.spotler;

import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/**
 * Spotler's contacts (/contact), as the Swagger description of the API types them. A non-2xx answer
 * is thrown by {@link SpotlerErrors}; a 404 as {@link SpotlerNotFoundException}.
 */
@Path("contact")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ContactsClient {

    /** Property: a contact field of the account; set types list their options. */
    record Property(String name, String description, String type, List<SetPropertyEntry> entries) {}

    /** SetPropertyEntry: one option of a set property (the permissions' bits). */
    record SetPropertyEntry(Long bit, String description, Integer rank) {}

    /** Channel: EMAIL or SMS, on or off. */
    record Channel(String name, Boolean value) {}

    /** One bit of the set property "permissions", as a write sets it. */
    record Permission(long bit, boolean enabled) {}

    /**
     * Contact, as Spotbridge writes it: the account's properties by name (JSON values, a list of
     * {@link Permission} under "permissions"); channels only on a first write.
     */
    record Contact(String externalId, Map<String, Object> properties, List<Channel> channels) {}

    /** Contact, as Spotler answers it (only properties that have data). */
    record ContactView(
            String externalId,
            JsonObject properties,
            List<Channel> channels,
            jakarta.json.JsonValue lastChanged) {}

    /** ContactRequest of PUT /contact/{externalId}. */
    record ContactRequest(Boolean update, Boolean purge, Contact contact) {}

    /** AddContactsRequest of POST /contact/list: at most 100 contacts. */
    record AddContactsRequest(Boolean update, Boolean purge, List<Contact> contacts) {}

    /**
     * AddContactResponse: one contact's outcome (OK, PROPERTY_INVALID, CONTACT_ALREADY_EXISTS,
     * CONTACT_UNKNOWN, CONTACT_OPTOUT, NO_ACTIVE_CHANNEL, ERROR).
     */
    record AddContactResponse(String externalId, String code, String message) {}

    @GET
    @Path("properties/list")
    List<Property> properties();

    @GET
    @Path("{externalId}")
    ContactView contact(@PathParam("externalId") String externalId);

    /** FormHistoryResponse: the forms the contact submitted. */
    @GET
    @Path("{externalId}/forms")
    jakarta.json.JsonValue forms(
            @PathParam("externalId") String externalId,
            @jakarta.ws.rs.QueryParam("pageSize") int pageSize,
            @jakarta.ws.rs.QueryParam("after") int after);

    @PUT
    @Path("{externalId}")
    void update(@PathParam("externalId") String externalId, ContactRequest request);

    /** GDPR anonymization: 204; 404 when Spotler does not know the contact. */
    @PUT
    @Path("anonymize/{externalId}")
    void anonymize(@PathParam("externalId") String externalId);

    @POST
    @Path("list")
    List<AddContactResponse> upsertAll(AddContactsRequest request);
}
