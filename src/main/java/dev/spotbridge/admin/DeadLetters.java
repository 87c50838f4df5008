package dev.spotbridge.admin;

import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.records.ProcessedEvents;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.transaction.Transactional;
import java.util.Enumeration;
import java.util.Optional;

/**
 * Acts on the dead-letter queue: a message is replayed onto the queue it came from (the sync queue,
 * the jobs queue or the write-back queue), or discarded with a reason that goes into the history of
 * its record, list or job. Each action takes the message off the DLQ and does its effect in one
 * transaction: nothing is lost or doubled if it fails.
 */
@ApplicationScoped
@Transactional
public class DeadLetters {

    @Inject JMSContext context;

    @Inject ProcessedEvents ledger;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    @Resource(lookup = Queues.SYNC)
    Queue sync;

    @Resource(lookup = Queues.WRITEBACK)
    Queue writeback;

    @Resource(lookup = Queues.JOBS)
    Queue jobs;

    /**
     * @return false when no such message is in the dead-letter queue
     */
    public boolean replay(String messageId) {
        Optional<Message> taken = take(messageId);
        if (taken.isEmpty()) {
            return false;
        }
        Message message = taken.get();
        try {
            TextMessage copy = context.createTextMessage(((TextMessage) message).getText());
            Enumeration<?> names = message.getPropertyNames();
            while (names.hasMoreElements()) {
                String name = (String) names.nextElement();
                if (!name.startsWith("JMSX")
                        && !name.startsWith("_AMQ")
                        && !"spotbridgeReason".equals(name)) {
                    copy.setObjectProperty(name, message.getObjectProperty(name));
                }
            }
            String group = message.getStringProperty("JMSXGroupID");
            if (group != null) {
                copy.setStringProperty("JMSXGroupID", group);
            }
            String origin = String.valueOf(message.getStringProperty("_AMQ_ORIG_ADDRESS"));
            boolean toWriteback = origin.contains("writeback");
            boolean toJobs = origin.contains("jobs") || isWork(copy);
            context.createProducer()
                    .setPriority(message.getJMSPriority())
                    .send(toWriteback ? writeback : toJobs ? jobs : sync, copy);
            ledger.history(
                    Queues.subject(message),
                    "DeadLetter",
                    "Replayed",
                    "replayed from the dead-letter queue onto "
                            + (toWriteback ? "the write-back" : toJobs ? "the jobs" : "the sync")
                            + " queue",
                    null);
            return true;
        } catch (JMSException e) {
            throw new IllegalStateException("could not replay dead letter " + messageId, e);
        }
    }

    /** A list or job dead-lettered before the jobs queue existed goes back on the jobs queue. */
    private static boolean isWork(TextMessage message) throws JMSException {
        try {
            return ChangeEvent.fromJson(message.getText()).isWork();
        } catch (RuntimeException notAnEvent) {
            return false;
        }
    }

    /**
     * @return false when no such message is in the dead-letter queue
     */
    public boolean discard(String messageId, String reason) {
        Optional<Message> taken = take(messageId);
        taken.ifPresent(
                m ->
                        ledger.history(
                                Queues.subject(m),
                                "DeadLetter",
                                "Discarded",
                                "discarded from the dead-letter queue: " + reason,
                                null));
        return taken.isPresent();
    }

    private Optional<Message> take(String messageId) {
        if (!messageId.matches("ID:[0-9A-Za-z:-]+")) {
            return Optional.empty();
        }
        try (JMSConsumer consumer =
                context.createConsumer(deadLetters, "JMSMessageID = '" + messageId + "'")) {
            return Optional.ofNullable(consumer.receive(2000));
        }
    }
}
