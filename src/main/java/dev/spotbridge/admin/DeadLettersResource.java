package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Queues;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * GET /api/dead-letters: what is in the dead-letter queue (browsed, not consumed), page by page.
 */
@RequestScoped
@Path("dead-letters")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    @Inject DeadLetters deadLetterActions;

    @Inject BrokerQueues queues;

    @Inject ReplayRuns replays;

    @Context SecurityContext security;

    /**
     * POST /api/dead-letters/replay {"ids":[…]} or {"all":true, "entity":…, "recordId":…, "from":…,
     * "to":…} (the time range [from, to) of the original change, ISO instants): back onto their
     * queue. A replay of "all" is a run (its "run" in the answer, GET /api/runs/{id}) that can
     * pause between two messages: the answer then says "paused": true, and POST
     * /api/runs/{id}/resume replays what still matches.
     */
    @POST
    @Path("replay")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject replay(JsonObject request) throws JMSException {
        if (!request.containsKey("ids") && request.getBoolean("all", false)) {
            return replays.replay(request, StartedBy.admin(security));
        }
        int replayed = 0;
        for (String id : selected(request)) {
            if (deadLetterActions.replay(id)) {
                replayed++;
            }
        }
        return Json.createObjectBuilder().add("replayed", replayed).build();
    }

    /**
     * POST /api/dead-letters/discard {"ids":[…] or "all":true + filter, "reason": "…"}: gone, with
     * the reason in the history.
     */
    @POST
    @Path("discard")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject discard(JsonObject request) throws JMSException {
        String reason = request.getString("reason", "").trim();
        if (reason.isEmpty()) {
            throw new BadRequestException("a discard needs a reason");
        }
        int discarded = 0;
        if (!request.containsKey("ids") && request.getBoolean("all", false)) {
            // every match in turn, up to what was there when the discard began
            String selector =
                    DeadLetterBrowse.selector(
                            Json.createObjectBuilder(request)
                                    .add(DeadLetterBrowse.BEFORE, Instant.now().toString())
                                    .build());
            while (deadLetterActions.discardNext(selector, reason)) {
                discarded++;
            }
            return Json.createObjectBuilder().add("discarded", discarded).build();
        }
        for (String id : selected(request)) {
            if (deadLetterActions.discard(id, reason)) {
                discarded++;
            }
        }
        return Json.createObjectBuilder().add("discarded", discarded).build();
    }

    /** The message ids a request names ("all" is handled by the callers). */
    private static List<String> selected(JsonObject request) {
        if (!request.containsKey("ids")) {
            throw new BadRequestException(
                    "name the messages (\"ids\") or ask for \"all\" (with \"entity\","
                            + " \"recordId\", \"from\", \"to\" filters)");
        }
        List<String> ids = new ArrayList<>();
        request.getJsonArray("ids").forEach(v -> ids.add(((JsonString) v).getString()));
        return ids;
    }

    /** Dead letters listed at most this many at a time. */
    static final int MAX_PAGE = 1000;

    /**
     * GET /api/dead-letters?offset=0&amp;limit=100&amp;entity=&amp;recordId=: one page of the
     * dead-letter queue, oldest first (browsed, not consumed). The answer is the page as a JSON
     * array; X-Total-Count says how many match (when the broker's management is at hand in this
     * server), and a Link header with rel="next" points at the next page while there is one.
     */
    @GET
    public Response list(
            @QueryParam("offset") @DefaultValue("0") int offset,
            @QueryParam("limit") @DefaultValue("100") int limit,
            @QueryParam("entity") String entity,
            @QueryParam("recordId") String recordId,
            @Context UriInfo uri)
            throws JMSException {
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            throw new BadRequestException(
                    "offset must be 0 or more and limit between 1 and " + MAX_PAGE);
        }
        JsonArrayBuilder page = Json.createArrayBuilder();
        int[] seen = {0};
        boolean[] more = {false};
        DeadLetterBrowse.browse(
                connectionFactory,
                deadLetters,
                DeadLetterBrowse.selector(entity, recordId),
                m -> {
                    int index = seen[0]++;
                    if (index < offset) {
                        return true;
                    }
                    if (index >= offset + limit) {
                        more[0] = true;
                        return false;
                    }
                    page.add(describe(m));
                    return true;
                });
        Response.ResponseBuilder answer = Response.ok(page.build());
        if (more[0]) {
            answer.link(
                    uri.getRequestUriBuilder()
                            .replaceQueryParam("offset", offset + limit)
                            .replaceQueryParam("limit", limit)
                            .build(),
                    "next");
        }
        if (entity == null && recordId == null) {
            queues.stats("spotbridge-dlq")
                    .ifPresent(s -> answer.header("X-Total-Count", s.messages()));
        }
        return answer.build();
    }

    private static JsonObject describe(Message m) throws JMSException {
        return Json.createObjectBuilder()
                .add("messageId", m.getJMSMessageID())
                .add("entity", text(m.getStringProperty("entity")))
                .add("recordId", text(m.getStringProperty("recordId")))
                .add("eventKey", text(m.getStringProperty("eventKey")))
                .add(
                        "reason",
                        text(
                                m.getStringProperty("spotbridgeReason") != null
                                        ? m.getStringProperty("spotbridgeReason")
                                        : "max delivery attempts reached"))
                .add("enqueuedAt", Instant.ofEpochMilli(m.getJMSTimestamp()).toString())
                .build();
    }

    private static JsonValue text(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }
}
