package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import dev.spotbridge.queue.Queues;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** GET /api/dead-letters: what is in the dead-letter queue (browsed, not consumed), newest last. */
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

    /**
     * POST /api/dead-letters/replay {"ids":[…]} or {"all":true, "entity":…, "recordId":…, "from":…,
     * "to":…} (the time range [from, to) of the original change, ISO instants): back onto their
     * queue.
     */
    @POST
    @Path("replay")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject replay(JsonObject request) throws JMSException {
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
        for (String id : selected(request)) {
            if (deadLetterActions.discard(id, reason)) {
                discarded++;
            }
        }
        return Json.createObjectBuilder().add("discarded", discarded).build();
    }

    /**
     * The message ids a request names, or every dead letter matching its filter (entity, recordId).
     */
    private List<String> selected(JsonObject request) throws JMSException {
        List<String> ids = new ArrayList<>();
        if (request.containsKey("ids")) {
            request.getJsonArray("ids").forEach(v -> ids.add(((JsonString) v).getString()));
            return ids;
        }
        if (!request.getBoolean("all", false)) {
            throw new BadRequestException(
                    "name the messages (\"ids\") or ask for \"all\" (with \"entity\","
                            + " \"recordId\", \"from\", \"to\" filters)");
        }
        String entity = request.getString("entity", null);
        String recordId = request.getString("recordId", null);
        Instant from = RequestTimes.instant(request, "from", Instant.MIN);
        Instant to = RequestTimes.instant(request, "to", Instant.MAX);
        for (JsonValue v : list()) {
            JsonObject m = v.asJsonObject();
            Instant at = Instant.parse(m.getString("enqueuedAt"));
            if ((entity == null || entity.equals(m.getString("entity", null)))
                    && (recordId == null || recordId.equals(m.getString("recordId", null)))
                    && !at.isBefore(from)
                    && at.isBefore(to)) {
                ids.add(m.getString("messageId"));
            }
        }
        return ids;
    }

    @GET
    public JsonArray list() throws JMSException {
        JsonArrayBuilder list = Json.createArrayBuilder();
        try (JMSContext context = connectionFactory.createContext();
                QueueBrowser browser = context.createBrowser(deadLetters)) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                Message m = (Message) messages.nextElement();
                list.add(
                        Json.createObjectBuilder()
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
                                .add(
                                        "enqueuedAt",
                                        Instant.ofEpochMilli(m.getJMSTimestamp()).toString()));
            }
        }
        return list.build();
    }

    private static JsonValue text(String value) {
        return value == null ? JsonValue.NULL : Json.createValue(value);
    }
}
