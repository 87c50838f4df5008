package dev.spotbridge.privacy;

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
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Dead letters expire: a message on the dead-letter queue longer than the retention's setting is
 * discarded, with a line in the history of its record, list or job saying so. A hundred per
 * transaction.
 */
@ApplicationScoped
public class DeadLetterExpiry {

    static final int BATCH = 100;

    @Inject JMSContext context;

    @Inject ProcessedEvents ledger;

    @Inject DeadLetterExpiry self;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    /**
     * @return how many dead letters were discarded
     */
    public int expire(Instant before, int days) {
        int total = 0;
        int n;
        do {
            n = self.batch(before, days);
            total += n;
        } while (n == BATCH);
        return total;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public int batch(Instant before, int days) {
        int n = 0;
        try (JMSConsumer consumer =
                context.createConsumer(deadLetters, "JMSTimestamp < " + before.toEpochMilli())) {
            Message m;
            while (n < BATCH && (m = consumer.receiveNoWait()) != null) {
                n++;
                ledger.history(
                        Queues.subject(m),
                        "DeadLetter",
                        "Expired",
                        "dead letter "
                                + m.getJMSMessageID()
                                + " discarded: on the dead-letter queue for more than "
                                + days
                                + " days (spotbridge.retention.dead-letter-days)",
                        null);
            }
        } catch (JMSException e) {
            throw new IllegalStateException("could not expire dead letters: " + e.getMessage(), e);
        }
        return n;
    }
}
