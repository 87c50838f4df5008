package dev.spotbridge.sync;

import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.tracing.Tracing;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;

/**
 * A message of the sync queue, read: its change event, how often it was tried before (the broker's
 * delivery count plus the attempts of a copy that was sent back to the queue for one record of a
 * batch), when its webhook came in, and how often a request limit put it off.
 */
public record Received(
        Message message,
        ChangeEvent event,
        int attempt,
        long enqueuedAt,
        int putOffs,
        long heldSince) {

    /** Message property of a change put off by a request limit: when its webhook was taken in. */
    public static final String ENQUEUED_AT = "spotbridgeEnqueuedAt";

    /** Message property of a change that waits out an outage: since when (epoch ms). */
    public static final String HELD_SINCE = "spotbridgeHeldSince";

    /**
     * @throws IllegalArgumentException when the message is not a change event
     */
    public static Received of(Message message) {
        try {
            int before =
                    message.propertyExists(Redelivery.ATTEMPTS)
                            ? message.getIntProperty(Redelivery.ATTEMPTS)
                            : 0;
            return new Received(
                    message,
                    ChangeEvent.fromJson(((TextMessage) message).getText()),
                    before + message.getIntProperty("JMSXDeliveryCount"),
                    // a change put off by a request limit keeps the time its webhook came in
                    message.propertyExists(ENQUEUED_AT)
                            ? message.getLongProperty(ENQUEUED_AT)
                            : message.getJMSTimestamp(),
                    Redelivery.putOffs(List.of(message)),
                    message.propertyExists(HELD_SINCE) ? message.getLongProperty(HELD_SINCE) : 0);
        } catch (JMSException | RuntimeException e) {
            throw new IllegalArgumentException("not a change event: " + e, e);
        }
    }

    /** The properties a copy of the message carries (put off, sent back, dead-lettered). */
    public Map<String, Object> properties() {
        return heldSince > 0 ? held(heldSince) : base();
    }

    /** The properties of a copy that waits out an outage, held since then. */
    public Map<String, Object> held(long since) {
        Map<String, Object> properties = base();
        properties.put(HELD_SINCE, since);
        return properties;
    }

    private Map<String, Object> base() {
        Map<String, Object> properties = new java.util.HashMap<>(event.messageProperties());
        properties.put(ENQUEUED_AT, enqueuedAt);
        String traceparent = traceparent();
        if (traceparent != null) {
            properties.put(Tracing.TRACEPARENT, traceparent);
        }
        return properties;
    }

    /** The trace the change belongs to (its webhook's), or null. */
    public String traceparent() {
        try {
            return message.getStringProperty(Tracing.TRACEPARENT);
        } catch (JMSException e) {
            return null;
        }
    }
}
