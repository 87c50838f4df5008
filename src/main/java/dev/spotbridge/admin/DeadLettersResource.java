package dev.spotbridge.admin;

import dev.spotbridge.sync.SyncConsumer;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.Enumeration;

/** GET /api/dead-letters: what is in the dead-letter queue (browsed, not consumed), newest last. */
@RequestScoped
@Path("dead-letters")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class DeadLettersResource {

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = SyncConsumer.DEAD_LETTER_QUEUE)
    Queue deadLetters;

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
