package dev.spotbridge.admin;

import dev.spotbridge.dataverse.DataverseValues;
import dev.spotbridge.enrichment.ProfileEnrichment;
import dev.spotbridge.ingest.SyncQueue;
import dev.spotbridge.json.Json;
import dev.spotbridge.privacy.ErasureRequests;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.records.SyncHistoryEntry;
import dev.spotbridge.records.SyncRecord;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.records.SyncStatus;
import dev.spotbridge.spotler.SpotlerRejectedException;
import dev.spotbridge.spotler.SpotlerUnavailableException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.io.StringReader;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** GET /api/records/{entity}/{id}: a record's sync status, last error and full history. */
@RequestScoped
@Path("records")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class RecordsResource {

    /**
     * The operator's tracing UI for a trace (SPOTBRIDGE_TRACE_URL), {traceId} standing for the id:
     * e.g. https://jaeger.example.org/trace/{traceId}.
     */
    @Inject
    @ConfigProperty(name = "spotbridge.trace-url")
    Optional<String> traceUrl;

    private static final Set<String> ENTITIES = Set.of("contact", "lead", "account");

    @Inject ProfileEnrichment enrichment;

    @Inject SyncRecords records;

    @Inject SyncQueue queue;

    @Inject RecordSearch search;

    @Inject ErasureRequests erasures;

    /** A replay from the history is capped; the answer says when more matched. */
    static final int MAX_REPLAY = 10_000;

    /**
     * GET /api/records?q=&status=: records by id, email (exact) or part of the name, at most 50;
     * without q the most recently changed ones.
     */
    @GET
    public JsonArray search(@QueryParam("q") String q, @QueryParam("status") String status) {
        SyncStatus wanted = null;
        if (status != null && !status.isBlank()) {
            try {
                wanted = SyncStatus.valueOf(status.trim());
            } catch (IllegalArgumentException e) {
                throw new BadRequestException(
                        "status must be one of " + Arrays.toString(SyncStatus.values()));
            }
        }
        JsonArrayBuilder hits = Json.createArrayBuilder();
        for (RecordSearch.Hit hit : search.search(q, wanted)) {
            hits.add(
                    Json.createObjectBuilder()
                            .add("entity", hit.record().entity())
                            .add("id", hit.record().recordId())
                            .add("status", hit.record().status().name())
                            .add("name", text(hit.name()))
                            .add("email", text(hit.email()))
                            .add("lastSyncedAt", time(hit.record().lastSyncedAt())));
        }
        return hits.build();
    }

    @GET
    @Path("{entity}/{id}")
    public JsonObject record(@PathParam("entity") String entity, @PathParam("id") String id) {
        String guid = guid(entity, id);
        SyncRecord record =
                records.find(entity, guid)
                        .orElseThrow(
                                () ->
                                        new NotFoundException(
                                                "Spotbridge has not seen " + entity + " " + guid));
        JsonArrayBuilder history = Json.createArrayBuilder();
        for (SyncHistoryEntry entry : records.history(record)) {
            JsonObjectBuilder item =
                    Json.createObjectBuilder()
                            .add("at", entry.at().toString())
                            .add("operation", entry.operation())
                            .add("outcome", entry.outcome())
                            .add("detail", text(entry.detail()));
            if (entry.mappingVersion() != null) {
                item.add("mappingVersion", entry.mappingVersion());
            }
            if (entry.traceId() != null) {
                item.add("traceId", entry.traceId());
                traceUrl.filter(t -> !t.isBlank())
                        .ifPresent(
                                t -> item.add("traceUrl", t.replace("{traceId}", entry.traceId())));
            }
            if (entry.changes() != null) {
                try (JsonReader reader = Json.createReader(new StringReader(entry.changes()))) {
                    item.add("changes", reader.readObject());
                }
            }
            history.add(item);
        }
        JsonObjectBuilder json =
                Json.createObjectBuilder()
                        .add("entity", record.entity())
                        .add("id", record.recordId())
                        .add("status", record.status().name())
                        .add("lastSyncedAt", time(record.lastSyncedAt()))
                        .add("lastError", text(record.lastError()))
                        .add("history", history);
        return json.build();
    }

    /**
     * POST /api/records/{entity}/{id}/resync: a full sync of the record, queued behind its other
     * events. Resumes a record opted out in Spotler once the address is active there again.
     */
    @POST
    @Path("{entity}/{id}/resync")
    public Response resync(@PathParam("entity") String entity, @PathParam("id") String id) {
        String guid = guid(entity, id);
        ChangeEvent event = ChangeEvent.resync("resync", entity, guid);
        queue.send(event);
        return Response.accepted(
                        Json.createObjectBuilder()
                                .add("status", 202)
                                .add("entity", entity)
                                .add("id", guid)
                                .add("message", "Resync")
                                .build())
                .build();
    }

    /**
     * POST /api/records/{entity}/{id}/erase: a GDPR erasure of a person who stays in D365. The
     * Spotler contact is anonymized, the record's personal values leave Spotbridge's tables and
     * dead letters, and its later changes are not synced until a resync. 200 with what was done;
     * 503 (Retry-After) when Spotler cannot be reached, 502 when it refuses: nothing was erased
     * then, and the request can be repeated.
     */
    @POST
    @Path("{entity}/{id}/erase")
    public Response erase(
            @PathParam("entity") String entity,
            @PathParam("id") String id,
            @Context SecurityContext security) {
        String guid = guid(entity, id);
        String by =
                security.getUserPrincipal() == null ? null : security.getUserPrincipal().getName();
        try {
            return Response.ok(erasures.erase(entity, guid, by)).build();
        } catch (SpotlerUnavailableException
                | org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException
                        e) {
            return failure(503, "spotler_unavailable", e).header("Retry-After", 60).build();
        } catch (SpotlerRejectedException e) {
            return failure(502, "spotler_refused", e).build();
        }
    }

    private static Response.ResponseBuilder failure(int status, String error, Exception e) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(
                        Json.createObjectBuilder()
                                .add("status", status)
                                .add("error", error)
                                .add(
                                        "message",
                                        "nothing was erased: "
                                                + e.getMessage()
                                                + "; repeat the request")
                                .build());
    }

    /**
     * POST /api/records/{entity}/{id}/enrich: the profile values Spotler holds for the record (its
     * contact, and the forms it submitted) into the D365 columns the mapping maps back, now; the
     * answer says what was written and what was kept, and why. 404 when Spotbridge does not sync
     * the record.
     */
    @POST
    @Path("{entity}/{id}/enrich")
    public JsonObject enrich(@PathParam("entity") String entity, @PathParam("id") String id) {
        String guid = guid(entity, id);
        return enrichment
                .now(entity, guid)
                .map(ProfileEnrichment.Result::json)
                .orElseThrow(
                        () ->
                                new NotFoundException(
                                        "Spotbridge does not sync " + entity + " " + guid));
    }

    /**
     * POST /api/records/resync {"from": ISO instant, "to": ISO instant, "outcome": "Failed"
     * (default), "entity": optional}: a resync, queued, of every record whose history has an entry
     * with that outcome in [from, to) — the replay of a time range. Each resync reads the record's
     * current D365 state, so replaying is safe however old the failure.
     */
    @POST
    @Path("resync")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response resyncRange(JsonObject request) {
        if (request == null) {
            throw new BadRequestException("a JSON body with \"from\" and \"to\" is required");
        }
        Instant from = RequestTimes.instant(request, "from", null);
        Instant to = RequestTimes.instant(request, "to", null);
        if (!from.isBefore(to)) {
            throw new BadRequestException("\"from\" must be before \"to\"");
        }
        String entity = request.getString("entity", null);
        if (entity != null && !ENTITIES.contains(entity)) {
            throw new BadRequestException("entity must be contact, lead or account");
        }
        String outcome = request.getString("outcome", "Failed");
        List<String> keys = records.withOutcomeBetween(outcome, from, to, entity, MAX_REPLAY + 1);
        boolean truncated = keys.size() > MAX_REPLAY;
        JsonArrayBuilder queued = Json.createArrayBuilder();
        int n = 0;
        for (String key : keys.subList(0, Math.min(keys.size(), MAX_REPLAY))) {
            String[] parts = key.split(":", 2);
            resync(parts[0], parts[1]);
            if (n++ < 100) {
                queued.add(key);
            }
        }
        return Response.accepted(
                        Json.createObjectBuilder()
                                .add("queued", n)
                                .add("truncated", truncated)
                                .add("records", queued)
                                .build())
                .build();
    }

    /**
     * The record's id in Spotbridge's form; 404 for an entity other than contact, lead or account,
     * or no GUID.
     */
    private static String guid(String entity, String id) {
        String guid = DataverseValues.guid(id);
        if (!ENTITIES.contains(entity) || guid == null) {
            throw new NotFoundException(
                    "no "
                            + entity
                            + " record "
                            + id
                            + " (entity must be contact, lead or account; id a GUID)");
        }
        return guid;
    }

    private static JsonValue text(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }

    private static JsonValue time(Instant value) {
        return value == null ? JsonValue.NULL : Json.createValue(value.toString());
    }
}
