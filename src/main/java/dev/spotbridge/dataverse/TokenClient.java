package dev.spotbridge.dataverse;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Form;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The Microsoft Entra ID token endpoint (…/oauth2/v2.0/token), client-credentials grant. */
@Produces(MediaType.APPLICATION_JSON)
public interface TokenClient {

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    Response token(Form form);
}
