package dev.spotbridge.sync;

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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One batch of the write-back queue, in one transaction: up to spotbridge.writeback.batch-size
 * requests (waiting at most spotbridge.writeback.linger-ms for more after the first), written to
 * Dataverse in one $batch by {@link StatusWriteback}. A failure rolls the transaction back: the
 * broker redelivers every request of the batch with back-off and dead-letters one after the queue's
 * delivery attempts. A request Dataverse refused for good, or one that cannot be read, goes to the
 * dead-letter queue at once, in the same transaction.
 */
@ApplicationScoped
public class WritebackBatch {

    @Inject JMSContext context;

    @Resource(lookup = WritebackQueue.QUEUE)
    Queue queue;

    @Resource(lookup = SyncConsumer.DEAD_LETTER_QUEUE)
    Queue deadLetters;

    @Inject StatusWriteback writeback;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.batch-size", defaultValue = "200")
    int batchSize;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.linger-ms", defaultValue = "100")
    long lingerMillis;

    /**
     * Takes what the queue holds (waiting up to waitMillis for the first request) and writes it
     * back.
     *
     * @return the number of requests taken
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int takeAndWrite(long waitMillis) {
        Map<String, Message> byRecord = new LinkedHashMap<>();
        List<Message> taken = new ArrayList<>();
        try (JMSConsumer consumer = context.createConsumer(queue)) {
            Message first = consumer.receive(waitMillis);
            if (first == null) {
                return 0;
            }
            taken.add(first);
            long deadline = System.nanoTime() + lingerMillis * 1_000_000L;
            int size = Math.max(1, Math.min(batchSize, 1000));
            while (taken.size() < size) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                Message next = left > 0 ? consumer.receive(left) : consumer.receiveNoWait();
                if (next == null) {
                    break;
                }
                taken.add(next);
            }
            for (Message message : taken) {
                String key = recordKey(message);
                if (key == null) {
                    deadLetter(message, "not a write-back request (no record key)");
                } else {
                    byRecord.putIfAbsent(key, message);
                }
            }
            Map<String, String> refused = writeback.apply(byRecord.keySet());
            refused.forEach(
                    (key, reason) ->
                            deadLetter(
                                    byRecord.get(key), "refused for good by Dataverse: " + reason));
            return taken.size();
        }
    }

    private static String recordKey(Message message) {
        try {
            String text = message instanceof TextMessage t ? t.getText() : null;
            return text == null || text.isBlank() || !text.contains(":") ? null : text.trim();
        } catch (JMSException e) {
            return null;
        }
    }

    private void deadLetter(Message original, String reason) {
        try {
            TextMessage copy =
                    context.createTextMessage(
                            original instanceof TextMessage t ? t.getText() : null);
            for (String name : List.of("entity", "recordId", "JMSXGroupID")) {
                if (original.propertyExists(name)) {
                    copy.setStringProperty(name, original.getStringProperty(name));
                }
            }
            copy.setStringProperty("spotbridgeReason", reason);
            copy.setStringProperty("_AMQ_ORIG_ADDRESS", "jms.queue.spotbridge-writeback");
            context.createProducer().send(deadLetters, copy);
        } catch (JMSException e) {
            throw new IllegalStateException("could not dead-letter a write-back request", e);
        }
    }
}
