package dev.spotbridge.ingest;

import dev.spotbridge.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A webhook that is refused: the status and a human-readable JSON message go back to the caller.
 */
public class WebhookRejected extends WebApplicationException {

    private final String error;

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
        this.error = error;
    }

    /** The error code of the answer (unauthorized, too_large, malformed_json, ...). */
    public String error() {
        return error;
    }

    public int status() {
        return getResponse().getStatus();
    }
}
