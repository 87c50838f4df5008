package dev.spotbridge.ingest;

import dev.spotbridge.json.Json;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.JMSRuntimeException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The broker did not take the event: 503, so Dataverse retries; nothing was accepted. */
@ApplicationScoped
@Provider
public class BrokerUnavailable implements ExceptionMapper<JMSRuntimeException> {

    private static final Logger LOG = Logger.getLogger(BrokerUnavailable.class.getName());

    @Override
    public Response toResponse(JMSRuntimeException exception) {
        LOG.log(Level.WARNING, "webhook not enqueued, answered 503: {0}", exception.toString());
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header("Retry-After", "5")
                .entity(
                        Json.createObjectBuilder()
                                .add("status", 503)
                                .add("error", "queue_unavailable")
                                .add(
                                        "message",
                                        "the event could not be queued; nothing was accepted, retry later")
                                .build())
                .build();
    }
}
