package dev.spotbridge.queue;

import dev.spotbridge.http.Throttling;
import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * What becomes of a queue message whose work was not done, for every queue of Spotbridge:
 *
 * <ul>
 *   <li>a request limit had no room (Spotbridge's own Spotler rate or Dataverse budget, a 429 with
 *       a long Retry-After): not a failure — the message goes back on its queue with a delivery
 *       delay (the limit's Retry-After, else spotbridge.sync.put-off-ms doubled per put-off up to
 *       60 s), no delivery attempt counted, at most spotbridge.sync.max-put-offs times;
 *   <li>refused for good: a copy goes to the dead-letter queue at once, with the reason;
 *   <li>anything else: the caller rethrows, the transaction rolls back, and the broker redelivers
 *       with back-off and dead-letters after the queue's delivery attempts (messaging.cli).
 * </ul>
 *
 * Copies are sent in the caller's transaction: they exist only if it commits.
 */
@ApplicationScoped
public class Redelivery {

    private static final java.util.logging.Logger LOG =
            java.util.logging.Logger.getLogger(Redelivery.class.getName());

    /** The message property that counts a message's put-offs. */
    public static final String PUT_OFFS = "spotbridgePutOffs";

    /**
     * The message property of a copy sent back to its queue after a failed attempt of its own (one
     * item of a batch whose other items succeeded): the attempts made before the copy.
     */
    public static final String ATTEMPTS = "spotbridgeAttempts";

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-put-offs", defaultValue = "50")
    int maxPutOffs;

    /** The wait when the limit did not say how long: doubled per put-off, up to 60 s. */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.put-off-ms", defaultValue = "5000")
    long putOffMillis;

    @Inject JMSContext context;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    /**
     * @param putOffs how often the work was put off before
     * @return the wait in ms when the failure is a request limit's and the work may be put off
     *     again; empty when it is a failure like any other
     */
    public OptionalLong putOffDelay(Throwable failure, int putOffs) {
        return Throttling.in(failure)
                .filter(throttled -> putOffs < maxPutOffs)
                .map(
                        throttled ->
                                OptionalLong.of(
                                        throttled
                                                .retryAfter()
                                                .map(Duration::toMillis)
                                                .orElse(
                                                        Math.min(
                                                                putOffMillis
                                                                        << Math.min(putOffs, 4),
                                                                60_000L))))
                .orElse(OptionalLong.empty());
    }

    /** How often a message was put off before (the most of several). */
    public static int putOffs(Collection<Message> messages) {
        int most = 0;
        for (Message message : messages) {
            try {
                if (message.propertyExists(PUT_OFFS)) {
                    most = Math.max(most, message.getIntProperty(PUT_OFFS));
                }
            } catch (JMSException e) {
                throw new IllegalStateException("unreadable message properties: " + e, e);
            }
        }
        return most;
    }

    /**
     * A copy of the message back on its queue, delivered after the delay, counted as put off {@code
     * putOffs} times, with its priority.
     *
     * @param properties the copy's message properties (its record, group, …)
     */
    public void putOff(
            Message original,
            Queue queue,
            long delayMillis,
            int putOffs,
            Map<String, ?> properties) {
        Map<String, Object> counted = new LinkedHashMap<>(properties);
        counted.put(PUT_OFFS, putOffs);
        send(original, queue, delayMillis, counted);
    }

    /**
     * A copy of the message back on its queue after a failed attempt of its own, while the rest of
     * its batch committed: delivered after the back-off the broker would have applied (1 s doubled
     * per attempt, up to 60 s, as server-config/messaging.cli sets it), counted as {@code attempts}
     * attempts.
     *
     * @param delayMillis {@link #backOff} of the attempts, or more for a copy that must follow
     *     another
     */
    public void sendBack(
            Message original,
            Queue queue,
            int attempts,
            long delayMillis,
            Map<String, ?> properties) {
        Map<String, Object> counted = new LinkedHashMap<>(properties);
        counted.put(ATTEMPTS, attempts);
        try {
            if (original.propertyExists(PUT_OFFS)) {
                counted.put(PUT_OFFS, original.getIntProperty(PUT_OFFS));
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message properties: " + e, e);
        }
        send(original, queue, delayMillis, counted);
    }

    /** A copy of the message on the queue it belongs on, with its priority. */
    public void moveTo(Message original, Queue queue, Map<String, ?> properties) {
        send(original, queue, 0, properties);
    }

    /** A persistent copy with the original's priority, delivered after the delay (0: at once). */
    private void send(Message original, Queue queue, long delayMillis, Map<String, ?> properties) {
        try {
            JMSProducer producer =
                    context.createProducer()
                            .setDeliveryMode(DeliveryMode.PERSISTENT)
                            .setPriority(original.getJMSPriority());
            if (delayMillis > 0) {
                producer.setDeliveryDelay(delayMillis);
            }
            producer.send(queue, copy(original, properties));
        } catch (JMSException e) {
            throw new IllegalStateException("could not send a message to " + queue, e);
        }
    }

    /** The broker's redelivery delay after this many attempts: 1 s doubled per attempt, ≤ 60 s. */
    public static long backOff(int attempts) {
        return Math.min(1000L << Math.max(0, Math.min(attempts - 1, 6)), 60_000L);
    }

    /**
     * A copy of the message in the dead-letter queue, saying why and where it came from (the admin
     * API replays it there).
     *
     * @param address the broker address of its queue, e.g. {@link Queues#SYNC_ADDRESS}
     */
    public void deadLetter(
            Message original, String address, String reason, Map<String, ?> properties) {
        try {
            TextMessage copy = copy(original, properties);
            copy.setStringProperty("spotbridgeReason", reason);
            copy.setStringProperty("_AMQ_ORIG_ADDRESS", address);
            context.createProducer().send(deadLetters, copy);
            // a person must act: fix the cause, then replay (or discard) the letter
            LOG.severe(
                    () ->
                            "dead-lettered "
                                    + (properties.get("JMSXGroupID") == null
                                            ? "a message"
                                            : properties.get("JMSXGroupID"))
                                    + " of "
                                    + address
                                    + ": "
                                    + reason
                                    + "; once the cause is fixed, replay it (admin page, Dead letters)");
        } catch (JMSException e) {
            throw new IllegalStateException("could not dead-letter a message of " + address, e);
        }
    }

    /**
     * A message that is not a change event, dead-lettered with why and the group and record it
     * names, if any: it can never succeed, and the queue goes on without it.
     */
    public void deadLetterUnreadable(Message original, String address, Exception why) {
        deadLetter(
                original,
                address,
                "unreadable: " + why.getMessage(),
                stringProperties(original, "JMSXGroupID", "entity", "recordId"));
    }

    /** The message's string properties of these names, as the copy should carry them. */
    public static Map<String, String> stringProperties(Message message, String... names) {
        Map<String, String> properties = new LinkedHashMap<>();
        try {
            for (String name : names) {
                if (message.propertyExists(name)) {
                    properties.put(name, message.getStringProperty(name));
                }
            }
        } catch (JMSException e) {
            throw new IllegalStateException("unreadable message properties: " + e, e);
        }
        return properties;
    }

    /** The cause a log line or a history entry should name: the first with a message of its own. */
    public static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null
                && t.getCause() != t
                && (t.getMessage() == null
                        || t instanceof EJBException
                        || t.getClass().getName().startsWith("jakarta.transaction"))) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private TextMessage copy(Message original, Map<String, ?> properties) throws JMSException {
        TextMessage copy =
                context.createTextMessage(original instanceof TextMessage t ? t.getText() : null);
        for (Map.Entry<String, ?> property : properties.entrySet()) {
            copy.setObjectProperty(property.getKey(), property.getValue());
        }
        return copy;
    }
}
