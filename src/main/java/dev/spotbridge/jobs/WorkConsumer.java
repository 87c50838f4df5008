package dev.spotbridge.jobs;

import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.EventHandler;
import dev.spotbridge.queue.LogContext;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.sync.SyncFailures;
import dev.spotbridge.tracing.ChangeTraces;
import dev.spotbridge.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.util.Locale;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Consumes the jobs queue: marketing list events and sb_syncjob jobs, each handed to the {@link
 * EventHandler} that takes it, in the message's transaction. What fails is rethrown, so the broker
 * redelivers with back-off and then dead-letters; {@link Outcome#REJECTED} dead-letters at once. A
 * record change found here (it belongs on the sync queue) is moved there.
 */
@MessageDriven(
        activationConfig = {
            @ActivationConfigProperty(
                    propertyName = "destinationLookup",
                    propertyValue = Queues.JOBS),
            @ActivationConfigProperty(
                    propertyName = "destinationType",
                    propertyValue = "jakarta.jms.Queue"),
            @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")
        })
public class WorkConsumer implements MessageListener {

    private static final Logger LOG = Logger.getLogger(WorkConsumer.class.getName());

    @Inject Instance<EventHandler> handlers;

    @Inject SyncFailures failures;

    @Inject Redelivery redelivery;

    @Inject SyncMetrics metrics;

    @Inject Tracing tracing;

    @Resource MessageDrivenContext context;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-delivery-attempts", defaultValue = "8")
    int maxAttempts;

    @Resource(lookup = Queues.SYNC)
    Queue syncQueue;

    @Override
    public void onMessage(Message message) {
        ChangeEvent event;
        int delivery;
        try {
            event = ChangeEvent.fromJson(((TextMessage) message).getText());
            delivery = message.getIntProperty("JMSXDeliveryCount");
        } catch (JMSException | RuntimeException e) {
            redelivery.deadLetterUnreadable(message, Queues.JOBS_ADDRESS, e);
            metrics.deadLettered("unreadable");
            return;
        }
        EventHandler handler = handlerOf(event);
        if (handler == null) {
            redelivery.moveTo(message, syncQueue, event.messageProperties());
            return;
        }
        Context parent = Tracing.parent(traceparent(message));
        tracing.queueWait(parent, "spotbridge-jobs", timestamp(message));
        ChangeTraces.bind(event.key(), parent);
        Span span = tracing.child(event.message() + " " + event.entity(), parent);
        try (Scope scope = span.makeCurrent()) {
            LogContext.of(event, () -> work(message, event, handler, delivery));
        } finally {
            span.end();
            ChangeTraces.unbind(event.key());
        }
    }

    private static String traceparent(Message message) {
        try {
            return message.getStringProperty(Tracing.TRACEPARENT);
        } catch (JMSException e) {
            return null;
        }
    }

    private static long timestamp(Message message) {
        try {
            return message.getJMSTimestamp();
        } catch (JMSException e) {
            return System.currentTimeMillis();
        }
    }

    private Outcome work(Message message, ChangeEvent event, EventHandler handler, int delivery) {
        try {
            Outcome outcome = handler.apply(event);
            metrics.processed(outcome.name().toLowerCase(Locale.ROOT));
            if (outcome == Outcome.REJECTED) {
                redelivery.deadLetter(
                        message,
                        Queues.JOBS_ADDRESS,
                        "refused for good (see the history)",
                        event.messageProperties());
                metrics.deadLettered("refused");
            }
            return outcome;
        } catch (RuntimeException e) {
            metrics.processed("failed");
            failures.attemptFailed(event, delivery, e);
            // rolled back without an exception: the broker redelivers after its back-off, and
            // neither the EJB container nor the resource adapter logs a stack trace of its own
            context.setRollbackOnly();
            if (delivery >= maxAttempts) {
                LOG.severe(
                        () ->
                                event.message()
                                        + " "
                                        + event.group()
                                        + ": attempt "
                                        + delivery
                                        + " of "
                                        + maxAttempts
                                        + " failed, the job goes to the dead-letter queue (replay"
                                        + " it once the cause is fixed): "
                                        + Redelivery.describe(e));
            } else {
                LOG.warning(
                        () ->
                                event.message()
                                        + " "
                                        + event.group()
                                        + ": attempt "
                                        + delivery
                                        + " of "
                                        + maxAttempts
                                        + " failed, tried again in "
                                        + Redelivery.backOff(delivery) / 1000
                                        + " s: "
                                        + Redelivery.describe(e));
            }
            return null;
        }
    }

    private EventHandler handlerOf(ChangeEvent event) {
        for (EventHandler handler : handlers) {
            if (handler.handles(event)) {
                return handler;
            }
        }
        return null;
    }
}
