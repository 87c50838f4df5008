package dev.spotbridge.sync;

import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.util.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes the sync queue. Delegates to {@link ContactSync}; on any exception it records the failed
 * attempt and rethrows, so the transaction rolls back and the broker redelivers with back-off, then
 * dead-letters. A change Spotler refused for good goes straight to the dead-letter queue, in the
 * same transaction.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(
                    propertyName = "destinationLookup",
                    propertyValue = SyncQueue.QUEUE),
            @ActivationConfigProperty(
                    propertyName = "destinationType",
                    propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "8")
        })
public class SyncConsumer implements MessageListener {

    private static final Logger LOG = Logger.getLogger(SyncConsumer.class.getName());

    public static final String DEAD_LETTER_QUEUE = "java:/jms/queue/spotbridge-dlq";

    @Inject ContactSync sync;

    @Inject jakarta.enterprise.inject.Instance<EventHandler> handlers;

    @Inject SyncFailures failures;

    @Inject SyncMetrics metrics;

    @Inject JMSContext context;

    @Resource(lookup = DEAD_LETTER_QUEUE)
    Queue deadLetters;

    @Override
    public void onMessage(Message message) {
        ChangeEvent event;
        int delivery;
        long enqueuedAt;
        int putOffs;
        try {
            event = ChangeEvent.fromJson(((TextMessage) message).getText());
            delivery = message.getIntProperty("JMSXDeliveryCount");
            // a change put off by a request limit keeps the time its webhook was taken in
            enqueuedAt =
                    message.propertyExists(ENQUEUED_AT)
                            ? message.getLongProperty(ENQUEUED_AT)
                            : message.getJMSTimestamp();
            putOffs =
                    message.propertyExists(PutOffs.PROPERTY)
                            ? message.getIntProperty(PutOffs.PROPERTY)
                            : 0;
        } catch (JMSException | RuntimeException e) {
            throw new IllegalStateException(
                    "unreadable sync message " + describe(message) + ": " + e, e);
        }
        // the Dataverse ids of the change travel with it into every log line of its processing
        MDC.put("correlationId", String.valueOf(event.correlationId()));
        MDC.put("operationId", String.valueOf(event.operationId()));
        MDC.put("record", event.group());
        try {
            ContactSync.Result result = handle(event);
            metrics.processed(result.name().toLowerCase(java.util.Locale.ROOT));
            if (result == ContactSync.Result.WRITTEN) {
                metrics.endToEnd(enqueuedAt);
            } else if (result == ContactSync.Result.REJECTED) {
                deadLetter(message, event);
                metrics.deadLettered("refused");
            }
        } catch (RuntimeException e) {
            java.util.OptionalLong wait =
                    handlerOf(event).isEmpty()
                            ? putOffPolicy.delay(e, putOffs)
                            : java.util.OptionalLong.empty();
            if (wait.isPresent()) {
                // not a failure: a request limit had no room; its work was rolled back (a
                // transaction of its own) and the change comes back later, no attempt counted
                long delay = wait.getAsLong();
                putOff(message, event, delay, putOffs, enqueuedAt);
                metrics.processed("throttled");
                LOG.info(
                        () ->
                                event.message()
                                        + " "
                                        + event.group()
                                        + " put off for "
                                        + delay
                                        + " ms by a request limit: "
                                        + SyncFailures.describe(e));
                return;
            }
            metrics.processed("failed");
            failures.attemptFailed(event, delivery, e);
            LOG.warning(
                    () ->
                            "attempt "
                                    + delivery
                                    + " of "
                                    + event.message()
                                    + " "
                                    + event.group()
                                    + " failed, rolled back for redelivery: "
                                    + SyncFailures.describe(e));
            throw e;
        } finally {
            MDC.remove("correlationId");
            MDC.remove("operationId");
            MDC.remove("record");
        }
    }

    /**
     * Record changes go to ContactSync, in a transaction of their own (so a change a request limit
     * puts off can go back on the queue); lists and jobs to the handler that takes them, in the
     * consumer's transaction.
     */
    private ContactSync.Result handle(ChangeEvent event) {
        return handlerOf(event).map(h -> h.apply(event)).orElseGet(() -> sync.applyAlone(event));
    }

    /** The list or job handler that takes the event; none for a record change. */
    private java.util.Optional<EventHandler> handlerOf(ChangeEvent event) {
        for (EventHandler handler : handlers) {
            if (handler.handles(event)) {
                return java.util.Optional.of(handler);
            }
        }
        return java.util.Optional.empty();
    }

    /** Message property of a change put off by a request limit: when its webhook was taken in. */
    static final String ENQUEUED_AT = "spotbridgeEnqueuedAt";

    @Inject PutOffs putOffPolicy;

    @Resource(lookup = SyncQueue.QUEUE)
    Queue syncQueue;

    /** The change back on the sync queue, delivered after the wait (ms). */
    private void putOff(
            Message original, ChangeEvent event, long delay, int putOffs, long enqueuedAt) {
        try {
            TextMessage copy = copyOf(original, event);
            copy.setLongProperty(ENQUEUED_AT, enqueuedAt);
            copy.setIntProperty(PutOffs.PROPERTY, putOffs + 1);
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .setPriority(original.getJMSPriority())
                    .setDeliveryDelay(Math.max(delay, 1))
                    .send(syncQueue, copy);
        } catch (JMSException e) {
            throw new IllegalStateException(
                    "could not put off a throttled change of " + event.group(), e);
        }
    }

    private void deadLetter(Message original, ChangeEvent event) {
        try {
            TextMessage copy = copyOf(original, event);
            copy.setStringProperty("spotbridgeReason", "refused for good (see the history)");
            copy.setStringProperty("_AMQ_ORIG_ADDRESS", "jms.queue.spotbridge-sync");
            context.createProducer().send(deadLetters, copy);
        } catch (JMSException e) {
            throw new IllegalStateException(
                    "could not dead-letter a rejected change of " + event.group(), e);
        }
    }

    /** A new message with the change's text and the properties the queues and the admin use. */
    private TextMessage copyOf(Message original, ChangeEvent event) throws JMSException {
        TextMessage copy = context.createTextMessage(((TextMessage) original).getText());
        copy.setStringProperty("JMSXGroupID", event.group());
        copy.setStringProperty("entity", event.entity());
        copy.setStringProperty("recordId", event.recordId());
        copy.setStringProperty("eventKey", event.key());
        return copy;
    }

    private static String describe(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            return "(no id)";
        }
    }
}
