package dev.spotbridge.admin;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/**
 * Reads the dead-letter queue without taking anything off it: pages, and the letters a filter
 * matches.
 */
final class DeadLetterBrowse {

    private DeadLetterBrowse() {}

    /** What to do with one browsed message; false stops the browsing. */
    interface Visit {
        boolean next(Message m) throws JMSException;
    }

    /** Browses the dead-letter queue (oldest first) until the visit says stop. */
    static void browse(ConnectionFactory factory, Queue deadLetters, String selector, Visit visit)
            throws JMSException {
        try (JMSContext context = factory.createContext();
                QueueBrowser browser =
                        selector == null
                                ? context.createBrowser(deadLetters)
                                : context.createBrowser(deadLetters, selector)) {
            Enumeration<?> messages = browser.getEnumeration();
            while (messages.hasMoreElements()) {
                if (!visit.next((Message) messages.nextElement())) {
                    return;
                }
            }
        }
    }

    /**
     * The message ids of the dead letters a filter matches: "entity", "recordId", and [from, to) of
     * the original change (ISO instants), oldest first.
     */
    static List<String> matching(ConnectionFactory factory, Queue deadLetters, JsonObject filter)
            throws JMSException {
        List<String> ids = new ArrayList<>();
        Instant from = RequestTimes.instant(filter, "from", Instant.MIN);
        Instant to = RequestTimes.instant(filter, "to", Instant.MAX);
        browse(
                factory,
                deadLetters,
                selector(filter.getString("entity", null), filter.getString("recordId", null)),
                m -> {
                    Instant at = Instant.ofEpochMilli(m.getJMSTimestamp());
                    if (!at.isBefore(from) && at.isBefore(to)) {
                        ids.add(m.getJMSMessageID());
                    }
                    return true;
                });
        return ids;
    }

    /** A JMS selector of the dead letters of a table and record; null for all. */
    static String selector(String entity, String recordId) {
        List<String> parts = new ArrayList<>();
        if (entity != null && !entity.isBlank()) {
            if (!entity.matches("[a-z_]{1,64}")) {
                throw new BadRequestException("entity must be a table's logical name");
            }
            parts.add("entity = '" + entity + "'");
        }
        if (recordId != null && !recordId.isBlank()) {
            String guid = dev.spotbridge.dataverse.DataverseValues.guid(recordId);
            if (guid == null) {
                throw new BadRequestException("recordId must be a GUID");
            }
            parts.add("recordId = '" + guid + "'");
        }
        return parts.isEmpty() ? null : String.join(" AND ", parts);
    }
}
