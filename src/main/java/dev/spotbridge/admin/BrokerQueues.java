package dev.spotbridge.admin;

import jakarta.enterprise.context.ApplicationScoped;
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
}
