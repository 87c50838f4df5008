package dev.spotbridge.sync;

import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.EventHandler;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.queue.Redelivery;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes the sync queue: unwraps the change event, hands it to {@link ContactSync} (a record
 * change, in a transaction of its own) or to the list or job handler that takes it, and rethrows
 * what fails, so the broker redelivers with back-off and then dead-letters. {@link Redelivery}
 * decides the rest: a change a request limit had no room for goes back on the queue for later (no
 * attempt counted), one refused for good goes to the dead-letter queue at once.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(
                    propertyName = "destinationLookup",
                    propertyValue = Queues.SYNC),
            @ActivationConfigProperty(
                    propertyName = "destinationType",
                    propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "8")
        })
public class SyncConsumer implements MessageListener {

    /** Message property of a change put off by a request limit: when its webhook was taken in. */
    static final String ENQUEUED_AT = "spotbridgeEnqueuedAt";

    private static final Logger LOG = Logger.getLogger(SyncConsumer.class.getName());

    @Inject ContactSync sync;

    @Inject Instance<EventHandler> handlers;

    @Inject SyncFailures failures;

    @Inject Redelivery redelivery;

    @Inject SyncMetrics metrics;

    @Resource(lookup = Queues.SYNC)
    Queue syncQueue;

    /** A message of the sync queue, read. */
    private record Received(ChangeEvent event, int delivery, long enqueuedAt, int putOffs) {

        static Received of(Message message) {
            try {
                return new Received(
                        ChangeEvent.fromJson(((TextMessage) message).getText()),
                        message.getIntProperty("JMSXDeliveryCount"),
                        // a change put off by a request limit keeps the time its webhook came in
                        message.propertyExists(ENQUEUED_AT)
                                ? message.getLongProperty(ENQUEUED_AT)
                                : message.getJMSTimestamp(),
                        Redelivery.putOffs(List.of(message)));
            } catch (JMSException | RuntimeException e) {
                throw new IllegalStateException(
                        "unreadable sync message " + id(message) + ": " + e, e);
            }
        }

        /** The properties a copy of the message carries (put off, dead-lettered). */
        Map<String, Object> properties() {
            return Map.of(
                    "JMSXGroupID",
                    event.group(),
                    "entity",
                    event.entity(),
                    "recordId",
                    event.recordId(),
                    "eventKey",
                    event.key(),
                    ENQUEUED_AT,
                    enqueuedAt);
        }
    }

    @Override
    public void onMessage(Message message) {
        Received received = Received.of(message);
        ChangeEvent event = received.event();
        // the Dataverse ids of the change travel with it into every log line of its processing
        MDC.put("correlationId", String.valueOf(event.correlationId()));
        MDC.put("operationId", String.valueOf(event.operationId()));
        MDC.put("record", event.group());
        try {
            Optional<EventHandler> handler = handlerOf(event);
            Outcome outcome =
                    handler.map(h -> h.apply(event))
                            .orElseGet(() -> sync.applyInOwnTransaction(event));
            metrics.processed(outcome.name().toLowerCase(Locale.ROOT));
            if (outcome == Outcome.WRITTEN) {
                metrics.endToEnd(received.enqueuedAt());
            } else if (outcome == Outcome.REJECTED) {
                redelivery.deadLetter(
                        message,
                        Queues.SYNC_ADDRESS,
                        "refused for good (see the history)",
                        received.properties());
                metrics.deadLettered("refused");
            }
        } catch (RuntimeException e) {
            // lists and jobs keep the plain redelivery; a record change's work is rolled back on
            // its own, so a request limit can put it off
            OptionalLong wait =
                    handlerOf(event).isEmpty()
                            ? redelivery.putOffDelay(e, received.putOffs())
                            : OptionalLong.empty();
            if (wait.isPresent()) {
                putOff(message, received, wait.getAsLong(), e);
                return;
            }
            metrics.processed("failed");
            failures.attemptFailed(event, received.delivery(), e);
            LOG.warning(
                    () ->
                            "attempt "
                                    + received.delivery()
                                    + " of "
                                    + event.message()
                                    + " "
                                    + event.group()
                                    + " failed, rolled back for redelivery: "
                                    + Redelivery.describe(e));
            throw e;
        } finally {
            MDC.remove("correlationId");
            MDC.remove("operationId");
            MDC.remove("record");
        }
    }

    /** Not a failure: the change comes back after the wait, no attempt counted. */
    private void putOff(Message message, Received received, long delay, RuntimeException limit) {
        redelivery.putOff(message, syncQueue, delay, received.putOffs() + 1, received.properties());
        metrics.processed("throttled");
        LOG.info(
                () ->
                        received.event().message()
                                + " "
                                + received.event().group()
                                + " put off for "
                                + delay
                                + " ms by a request limit: "
                                + Redelivery.describe(limit));
    }

    /** The list or job handler that takes the event; none for a record change. */
    private Optional<EventHandler> handlerOf(ChangeEvent event) {
        for (EventHandler handler : handlers) {
            if (handler.handles(event)) {
                return Optional.of(handler);
            }
        }
        return Optional.empty();
    }

    private static String id(Message message) {
        try {
            return message.getJMSMessageID();
        } catch (JMSException e) {
            return "(no id)";
        }
    }
}
