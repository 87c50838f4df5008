package dev.spotbridge.sync;

import dev.spotbridge.metrics.SyncMetrics;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.inject.Inject;
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
        try {
            event = ChangeEvent.fromJson(((TextMessage) message).getText());
            delivery = message.getIntProperty("JMSXDeliveryCount");
            enqueuedAt = message.getJMSTimestamp();
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

    /** Record changes go to ContactSync; lists and jobs to the handler that takes them. */
    private ContactSync.Result handle(ChangeEvent event) {
        for (EventHandler handler : handlers) {
            if (handler.handles(event)) {
                return handler.apply(event);
            }
        }
        return sync.apply(event);
    }

    private void deadLetter(Message original, ChangeEvent event) {
        try {
            TextMessage copy = context.createTextMessage(((TextMessage) original).getText());
            copy.setStringProperty("entity", event.entity());
            copy.setStringProperty("recordId", event.recordId());
            copy.setStringProperty("eventKey", event.key());
            copy.setStringProperty("JMSXGroupID", event.group());
            copy.setStringProperty("spotbridgeReason", "refused for good (see the history)");
            copy.setStringProperty("_AMQ_ORIG_ADDRESS", "jms.queue.spotbridge-sync");
            context.createProducer().send(deadLetters, copy);
        } catch (JMSException e) {
            throw new IllegalStateException(
                    "could not dead-letter a rejected change of " + event.group(), e);
        }
    }

    private static String describe(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            return "(no id)";
        }
    }
}
