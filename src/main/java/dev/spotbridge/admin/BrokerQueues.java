package dev.spotbridge.admin;

import dev.spotbridge.json.Json;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Queue depth and consumers from the broker's management: the embedded Artemis registers a JMX bean
 * per queue (jmx-management-enabled, set by server-config/messaging.cli). With an external broker
 * there is no such bean in this JVM; the caller then counts by browsing and shows no consumer
 * count.
 */
@ApplicationScoped
public class BrokerQueues {

    /** What the broker says about one queue. */
    public record QueueStats(long messages, int consumers) {}

    /**
     * @param queue the JMS queue name, e.g. spotbridge-sync
     */
    public Optional<QueueStats> stats(String queue) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            Set<ObjectName> names =
                    server.queryNames(
                            new ObjectName(
                                    "org.apache.activemq.artemis:component=addresses,"
                                            + "subcomponent=queues,queue="
                                            + ObjectName.quote(
                                                    queue.startsWith("jms.queue.")
                                                            ? queue
                                                            : "jms.queue." + queue)
                                            + ",*"),
                            null);
            if (names.isEmpty()) {
                return Optional.empty();
            }
            ObjectName name = names.iterator().next();
            long messages = ((Number) server.getAttribute(name, "MessageCount")).longValue();
            int consumers = ((Number) server.getAttribute(name, "ConsumerCount")).intValue();
            return Optional.of(new QueueStats(messages, consumers));
        } catch (JMException | RuntimeException e) {
            // management unavailable: the overview falls back to browsing (it says which it used)
            return Optional.empty();
        }
    }

    /** Counted by browsing at most this many: the overview must answer fast. */
    static final int COUNT_CAP = 10_000;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    /** From the broker's management when it answers in this JVM, else by browsing (capped). */
    public JsonObject depth(Queue queue) {
        try {
            Optional<BrokerQueues.QueueStats> stats = stats(queue.getQueueName());
            if (stats.isPresent()) {
                return Json.createObjectBuilder()
                        .add("messages", stats.get().messages())
                        .add("consumers", stats.get().consumers())
                        .add("capped", false)
                        .add("source", "broker")
                        .build();
            }
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
        int n;
        try {
            n = DeadLetterBrowse.count(connectionFactory, queue, null, COUNT_CAP);
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
        return Json.createObjectBuilder()
                .add("messages", n)
                .add("capped", n >= COUNT_CAP)
                .add("source", "browse")
                .build();
    }
}
