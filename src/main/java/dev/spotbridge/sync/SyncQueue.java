package dev.spotbridge.sync;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;

/**
 * Puts change events on the sync queue: persistent (send returns once the broker has it on disk),
 * grouped by record so one record's events are consumed one after another, in order; consent and
 * blanking changes with a higher JMS priority, so they overtake a backlog of profile updates
 * ({@link ChangeEvent#priority()}).
 */
@ApplicationScoped
public class SyncQueue {

    public static final String QUEUE = "java:/jms/queue/spotbridge-sync";

    /**
     * The intake's connection factory (server-config/messaging.cli): it does not wait on failover,
     * so a send to an unreachable broker fails in seconds and the webhook is answered 503.
     */
    @Inject
    @JMSConnectionFactory("java:/jms/spotbridge-intake")
    JMSContext context;

    @Resource(lookup = QUEUE)
    Queue queue;

    @Inject Supersession supersession;

    public void send(ChangeEvent event) {
        try {
            TextMessage message = context.createTextMessage(event.toJson());
            message.setStringProperty("JMSXGroupID", event.group());
            message.setStringProperty("entity", event.entity());
            message.setStringProperty("recordId", event.recordId());
            message.setStringProperty("eventKey", event.key());
            context.createProducer()
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .setPriority(event.priority())
                    .send(queue, message);
            supersession.queued(event);
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }
}
