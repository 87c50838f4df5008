package dev.spotbridge.spotler;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * Spotler's campaigns and automations: the list of campaigns with external triggers, a contact
 * triggered into one or stopped. A non-2xx answer is thrown by {@link SpotlerErrors}; for a trigger
 * a 400, 404 or 417 is the contact's outcome, which its exception carries.
 */
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface CampaignsClient {

    /** CampaignTrigger. */
    record CampaignTrigger(String encryptedId, String name) {}

    /** Campaign, with its external triggers. */
    record Campaign(
            String encryptedId, String name, Boolean active, List<CampaignTrigger> triggers) {}

    /** CampaignTriggerRequest, CampaignStopRequest and AutomationTriggerRequest alike. */
    record ContactReference(String externalContactId) {}

    /** AutomationTriggerValidationResult: one automation's answer to a trigger. */
    record AutomationResult(String automationId, String result) {}

    /** ExternalTriggerValidationResult: OK, UNKNOWN, TRIGGER_NOTFOUND, CONTACT_NOTFOUND … */
    record TriggerResult(String result, List<AutomationResult> automationResults) {}

    @GET
    @Path("campaign/list")
    List<Campaign> campaigns();

    @POST
    @Path("campaign/trigger/{encryptedTriggerId}")
    void trigger(@PathParam("encryptedTriggerId") String triggerId, ContactReference contact);

    @POST
    @Path("campaign/{encryptedCampaignId}/stop")
    void stop(@PathParam("encryptedCampaignId") String campaignId, ContactReference contact);

    @POST
    @Path("automation/trigger/{triggerCode}")
    TriggerResult triggerAutomation(
            @PathParam("triggerCode") String code, ContactReference contact);
}
