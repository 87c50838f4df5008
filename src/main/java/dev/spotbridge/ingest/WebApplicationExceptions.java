package dev.spotbridge.ingest;

import dev.spotbridge.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Gives every JAX-RS error of the API (404, 405, 415 ...) a JSON body; bodies already built are
 * kept.
 */
@ApplicationScoped
@Provider
public class WebApplicationExceptions implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response response = exception.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        int status = response.getStatus();
        String reason = response.getStatusInfo().getReasonPhrase();
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", status)
                                .add(
                                        "error",
                                        reason == null
                                                ? "error"
                                                : reason.toLowerCase(Locale.ROOT).replace(' ', '_'))
                                .add(
                                        "message",
                                        exception.getMessage() == null
                                                ? String.valueOf(reason)
                                                : exception.getMessage())
                                .build())
                .build();
    }
}
