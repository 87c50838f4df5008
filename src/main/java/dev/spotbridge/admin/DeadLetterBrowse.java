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
     * the original change (ISO instants), and "before", oldest first. A browse: on a long queue it
     * may end early (see {@link #selector(JsonObject)}), so what must take every match consumes
     * with the selector instead.
     */
    static List<String> matching(ConnectionFactory factory, Queue deadLetters, JsonObject filter)
            throws JMSException {
        List<String> ids = new ArrayList<>();
        Instant from = RequestTimes.instant(filter, "from", Instant.MIN);
        Instant to = RequestTimes.instant(filter, "to", Instant.MAX);
        Instant before = RequestTimes.instant(filter, BEFORE, Instant.MAX);
        Instant until = before.isBefore(to) ? before : to;
        browse(
                factory,
                deadLetters,
                selector(filter.getString("entity", null), filter.getString("recordId", null)),
                m -> {
                    Instant at = Instant.ofEpochMilli(m.getJMSTimestamp());
                    if (!at.isBefore(from) && at.isBefore(until)) {
                        ids.add(m.getJMSMessageID());
                    }
                    return true;
                });
        return ids;
    }

    /**
     * The filter's property naming when its run began: dead letters that came later (a replayed
     * letter that failed again) are not the run's.
     */
    static final String BEFORE = "before";

    /**
     * A JMS selector of the dead letters a filter matches: "entity", "recordId", [from, to) of the
     * original change, and sent before the filter's "before" when it has one. A consumer with it
     * takes every match in turn, which a browse of a long queue does not promise: Artemis may end a
     * browse's enumeration before the last match when the broker is slow to hand over the next.
     */
    static String selector(JsonObject filter) {
        List<String> parts = new ArrayList<>();
        String byRecord =
                selector(filter.getString("entity", null), filter.getString("recordId", null));
        if (byRecord != null) {
            parts.add(byRecord);
        }
        Instant from = RequestTimes.instant(filter, "from", Instant.MIN);
        Instant to = RequestTimes.instant(filter, "to", Instant.MAX);
        Instant before = RequestTimes.instant(filter, BEFORE, Instant.MAX);
        if (before.isBefore(to)) {
            to = before;
        }
        if (!Instant.MIN.equals(from)) {
            parts.add("JMSTimestamp >= " + from.toEpochMilli());
        }
        if (!Instant.MAX.equals(to)) {
            parts.add("JMSTimestamp < " + to.toEpochMilli());
        }
        return parts.isEmpty() ? null : String.join(" AND ", parts);
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
