package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.tracing.RecentSpans;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * GET /api/traces/{traceId}: the spans of a trace that this node made and still holds (the latest 2
 * 000 traces, in memory), oldest first — a change's webhook, queue wait, decision, Spotler and
 * Dataverse calls and write-back, for an operator without a tracing system. With several nodes each
 * holds the spans it made; the exported trace (OTLP) has them all.
 */
@RequestScoped
@Path("traces")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class TracesResource {

    @GET
    @Path("{traceId: [0-9a-f]{32}}")
    public JsonObject trace(@PathParam("traceId") String traceId) {
        List<RecentSpans.Item> spans =
                RecentSpans.of(traceId)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "this node holds no span of trace "
                                                        + traceId
                                                        + " (made on another node, or too old)"));
        JsonArrayBuilder all = Json.createArrayBuilder();
        for (RecentSpans.Item span : spans) {
            JsonObjectBuilder item =
                    Json.createObjectBuilder()
                            .add("name", span.name())
                            .add("spanId", span.spanId())
                            .add("kind", span.kind())
                            .add("start", span.start().toString())
                            .add("millis", Math.round(span.millis() * 10) / 10.0)
                            .add("status", span.status());
            if (span.parentSpanId() != null) {
                item.add("parentSpanId", span.parentSpanId());
            }
            JsonObjectBuilder attributes = Json.createObjectBuilder();
            span.attributes().forEach(attributes::add);
            item.add("attributes", attributes);
            if (!span.links().isEmpty()) {
                JsonArrayBuilder links = Json.createArrayBuilder();
                span.links().forEach(links::add);
                item.add("linkedTraces", links);
            }
            all.add(item);
        }
        return Json.createObjectBuilder().add("traceId", traceId).add("spans", all).build();
    }
}
