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
 * matches; {@link #count} also counts other queues when the broker's management is not at hand
 * ({@link BrokerQueues}).
 */
final class DeadLetterBrowse {

    private DeadLetterBrowse() {}

    /** What to do with one browsed message; false stops the browsing. */
    interface Visit {
        boolean next(Message m) throws JMSException;
    }

    /**
     * Browses a queue (oldest first) until the visit says stop or the queue has no more.
     *
     * <p>An Artemis browser's enumeration answers "no more" when the broker had nothing to hand
     * over the moment it was asked: with a selector over a long queue, or while the broker moves
     * paged messages back into memory, that can come before the last message. A "no more" is
     * therefore asked again {@link #END_CHECKS} times, {@link #END_CHECK_PAUSE_MS} ms apart, and
     * only an enumeration that stays empty ends the browse (a clean-clone CI listed none of the
     * last 300 of 3 000 dead letters of a record when one "no more" ended it).
     */
    static void browse(ConnectionFactory factory, Queue queue, String selector, Visit visit)
            throws JMSException {
        try (JMSContext context = factory.createContext();
                QueueBrowser browser =
                        selector == null
                                ? context.createBrowser(queue)
                                : context.createBrowser(queue, selector)) {
            visitAll(browser.getEnumeration(), visit);
        }
    }

    /** Visits what an enumeration hands over until the visit says stop or it stays empty. */
    static void visitAll(Enumeration<?> messages, Visit visit) throws JMSException {
        while (more(messages)) {
            if (!visit.next((Message) messages.nextElement())) {
                return;
            }
        }
    }

    /** How many times an enumeration that says "no more" is asked again. */
    static final int END_CHECKS = 3;

    /** The pause before asking an enumeration that said "no more" again. */
    static final long END_CHECK_PAUSE_MS = 40;

    private static boolean more(Enumeration<?> messages) {
        for (int check = 0; ; check++) {
            if (messages.hasMoreElements()) {
                return true;
            }
            if (check == END_CHECKS) {
                return false;
            }
            try {
                Thread.sleep(END_CHECK_PAUSE_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /**
     * How many messages of a queue a selector (null: all) matches, counting at most {@code cap}: a
     * browse, so a count of what was there while it looked.
     */
    static int count(ConnectionFactory factory, Queue queue, String selector, int cap)
            throws JMSException {
        int[] n = {0};
        browse(factory, queue, selector, m -> ++n[0] < cap);
        return n[0];
    }

    /**
     * The filter's property naming when its run began: dead letters that came later (a replayed
     * letter that failed again) are not the run's.
     */
    static final String BEFORE = "before";

    /**
     * A JMS selector of the dead letters a filter matches: "entity", "recordId", [from, to) of the
     * original change, and sent before the filter's "before" when it has one. A consumer with it
     * takes every match in turn, which a browse does not promise: a browse sees the queue as it
     * goes, not a snapshot.
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
