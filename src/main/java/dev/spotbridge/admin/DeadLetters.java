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
        return take(messageId).map(this::replay).isPresent();
    }

    /**
     * Replays the oldest dead letter a selector matches, in one transaction.
     *
     * @return false when none is left (none came within {@link #NEXT_WAIT_MS})
     */
    public boolean replayNext(String selector) {
        return takeNext(selector).map(this::replay).isPresent();
    }

    /**
     * Discards the oldest dead letter a selector matches, in one transaction.
     *
     * @return false when none is left
     */
    public boolean discardNext(String selector, String reason) {
        return takeNext(selector).map(m -> discarded(m, reason)).isPresent();
    }

    /** How long a take waits for the broker to hand over the next matching letter. */
    static final long NEXT_WAIT_MS = 2000;

    private Message replay(Message message) {
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
            return message;
        } catch (JMSException e) {
            throw new IllegalStateException("could not replay a dead letter: " + e, e);
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
        return take(messageId).map(m -> discarded(m, reason)).isPresent();
    }

    private Message discarded(Message message, String reason) {
        ledger.history(
                Queues.subject(message),
                "DeadLetter",
                "Discarded",
                "discarded from the dead-letter queue: " + reason,
                null);
        return message;
    }

    private Optional<Message> take(String messageId) {
        if (!messageId.matches("ID:[0-9A-Za-z:-]+")) {
            return Optional.empty();
        }
        return takeNext("JMSMessageID = '" + messageId + "'");
    }

    private Optional<Message> takeNext(String selector) {
        try (JMSConsumer consumer =
                selector == null
                        ? context.createConsumer(deadLetters)
                        : context.createConsumer(deadLetters, selector)) {
            return Optional.ofNullable(consumer.receive(NEXT_WAIT_MS));
        }
    }
}
