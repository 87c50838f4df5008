package dev.spotbridge.writeback;

import dev.spotbridge.dataverse.DataverseNotSetUpException;
import dev.spotbridge.http.Outage;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
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
import java.util.OptionalLong;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One batch of the write-back queue, in one transaction: up to spotbridge.writeback.batch-size
 * requests (waiting at most spotbridge.writeback.linger-ms for more after the first), written to
 * Dataverse in one $batch by {@link StatusWriteback}. A failure rolls the transaction back: the
 * broker redelivers every request of the batch with back-off and dead-letters one after the queue's
 * delivery attempts. A request Dataverse refused for good, or one that cannot be read, goes to the
 * dead-letter queue at once, in the same transaction. A batch a request limit had no room for (a
 * 429 whose Retry-After is longer than a call waits, or Spotbridge's own Dataverse budget) is not a
 * failure: its Dataverse work (a transaction of its own) is rolled back and its requests go back on
 * the queue for the Retry-After or spotbridge.sync.put-off-ms (doubled per put-off, up to 60 s), no
 * delivery attempt counted, at most spotbridge.sync.max-put-offs times.
 */
@ApplicationScoped
public class WritebackBatch {

    private static final Logger LOG = Logger.getLogger(WritebackBatch.class.getName());

    @Inject JMSContext context;

    @Resource(lookup = Queues.WRITEBACK)
    Queue queue;

    @Inject StatusWriteback writeback;

    @Inject Tracing tracing;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.batch-size", defaultValue = "200")
    int batchSize;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.linger-ms", defaultValue = "100")
    long lingerMillis;

    @Inject Redelivery redelivery;

    /**
     * How long a batch that meets Dataverse down waits on the queue before it is tried again (the
     * setting the sync drain uses); no attempt is counted, so an outage dead-letters nothing.
     */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.outage-retry-ms", defaultValue = "1000")
    long outageRetryMillis;

    /**
     * What one call took from the queue, and how long the consumer waits before the next batch (a
     * request limit's wait when the batch was put off, else 0).
     */
    public record Taken(int requests, long pauseMillis) {}

    /** The most requests one batch takes. */
    public int batchSize() {
        return Math.max(1, Math.min(batchSize, 1000));
    }

    /**
     * Takes what the queue holds (waiting up to waitMillis for the first request) and writes it
     * back.
     *
     * @return the number of requests taken, and the pause a request limit asks for
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Taken takeAndWrite(long waitMillis) {
        Map<String, Message> byRecord = new LinkedHashMap<>();
        List<Message> taken = new ArrayList<>();
        try (JMSConsumer consumer = context.createConsumer(queue)) {
            Message first = consumer.receive(waitMillis);
            if (first == null) {
                return new Taken(0, 0);
            }
            taken.add(first);
            long deadline = System.nanoTime() + lingerMillis * 1_000_000L;
            int size = batchSize();
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
            Map<String, String> refused;
            // the write-back as a span of the first request's trace, linked to the others'
            Span span =
                    tracing.batch(
                            "write-back batch",
                            byRecord.values().stream()
                                    .map(m -> Tracing.parent(traceparent(m)))
                                    .toList());
            try (Scope scope = span.makeCurrent()) {
                refused = writeback.applyInOwnTransaction(byRecord.keySet());
            } catch (RuntimeException e) {
                span.setStatus(StatusCode.ERROR, Redelivery.describe(e));
                int putOffs = Redelivery.putOffs(byRecord.values());
                OptionalLong wait = redelivery.putOffDelay(e, putOffs);
                if (wait.isEmpty() && Outage.in(e)) {
                    // Dataverse down, or the org without the solution's columns yet: the
                    // write-backs wait (their state is in the database, a later write writes the
                    // latest), not counted as an attempt, and this thread too
                    byRecord.values()
                            .forEach(
                                    m ->
                                            redelivery.putOff(
                                                    m,
                                                    queue,
                                                    outageRetryMillis,
                                                    putOffs,
                                                    properties(m)));
                    LOG.warning(
                            () ->
                                    byRecord.size()
                                            + (e instanceof DataverseNotSetUpException
                                                    ? " write-backs wait for the Spotbridge"
                                                            + " solution (tried again in "
                                                    : " write-backs wait out an outage of"
                                                            + " Dataverse (tried again in ")
                                            + outageRetryMillis
                                            + " ms): "
                                            + Redelivery.describe(e));
                    span.end();
                    return new Taken(taken.size(), outageRetryMillis);
                }
                if (wait.isEmpty()) {
                    span.end();
                    throw e;
                }
                span.end();
                long delay = wait.getAsLong();
                byRecord.values()
                        .forEach(
                                m ->
                                        redelivery.putOff(
                                                m, queue, delay, putOffs + 1, properties(m)));
                LOG.info(
                        () ->
                                byRecord.size()
                                        + " write-backs put off for "
                                        + delay
                                        + " ms by a request limit: "
                                        + Redelivery.describe(e));
                return new Taken(taken.size(), delay);
            }
            span.end();
            refused.forEach(
                    (key, reason) ->
                            deadLetter(
                                    byRecord.get(key), "refused for good by Dataverse: " + reason));
            return new Taken(taken.size(), 0);
        }
    }

    /** What a copy of a request carries besides its text: its record and its trace. */
    private static Map<String, String> properties(Message message) {
        return Redelivery.stringProperties(
                message, "entity", "recordId", "JMSXGroupID", Tracing.TRACEPARENT);
    }

    private static String traceparent(Message message) {
        try {
            return message.getStringProperty(Tracing.TRACEPARENT);
        } catch (JMSException e) {
            return null;
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
        redelivery.deadLetter(original, Queues.WRITEBACK_ADDRESS, reason, properties(original));
    }
}
