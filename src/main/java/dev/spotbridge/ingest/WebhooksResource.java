package dev.spotbridge.ingest;

import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.ChangeEvent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSRuntimeException;
import jakarta.json.JsonObject;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.InputStream;
import java.util.logging.Logger;
import org.jboss.logging.MDC;

/**
 * POST /api/d365/webhook: the Dataverse service endpoint. 202 only after the event is durably on
 * the sync queue; a broker failure answers 503, which Dataverse retries once.
 */
@RequestScoped
@Path("d365/webhook")
public class WebhooksResource {

    @Inject WebhookIntake intake;

    private static final Logger LOG = Logger.getLogger(WebhooksResource.class.getName());

    @Inject SyncQueue queue;

    @Inject SyncMetrics metrics;

    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Response receive(
            @HeaderParam("x-spotbridge-key") String headerKey,
            @QueryParam("code") String code,
            @HeaderParam("Content-Type") String contentType,
            @HeaderParam("Content-Length") String contentLength,
            @HeaderParam("x-ms-dynamics-msg-size-exceeded") String sizeExceeded,
            InputStream body) {
        metrics.webhookReceived();
        String key = headerKey != null && !headerKey.isEmpty() ? headerKey : code;
        ChangeEvent event;
        try {
            event = intake.read(key, contentType, contentLength, sizeExceeded != null, body);
        } catch (WebhookRejected rejected) {
            metrics.webhookRejected(rejected.status(), rejected.error());
            throw rejected;
        }
        MDC.put("correlationId", String.valueOf(event.correlationId()));
        MDC.put("operationId", String.valueOf(event.operationId()));
        MDC.put("record", event.group());
        try {
            queue.send(event);
            metrics.webhookEnqueued(event.entity());
            LOG.info(() -> "webhook enqueued: " + event.message() + " " + event.group());
        } catch (JMSRuntimeException brokerRefused) {
            metrics.webhookRejected(503, "queue_unavailable");
            throw brokerRefused;
        } finally {
            MDC.remove("correlationId");
            MDC.remove("operationId");
            MDC.remove("record");
        }
        JsonObject accepted =
                Json.createObjectBuilder()
                        .add("status", 202)
                        .add("entity", event.entity())
                        .add("id", event.recordId())
                        .add("message", event.message())
                        .build();
        return Response.accepted(accepted).build();
    }
}
