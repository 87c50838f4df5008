package dev.spotbridge.ingest;

import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A webhook that is refused: the status and a human-readable JSON message go back to the caller.
 */
public class WebhookRejected extends WebApplicationException {

    public WebhookRejected(int status, String error, String message) {
        super(
                message,
                Response.status(status)
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .entity(
                                Json.createObjectBuilder()
                                        .add("status", status)
                                        .add("error", error)
                                        .add("message", message)
                                        .build())
                        .build());
    }
}
