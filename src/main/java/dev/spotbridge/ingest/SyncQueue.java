package dev.spotbridge.ingest;

import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.sync.Coalescing;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Puts change events on the sync queue (lists and jobs on the jobs queue): persistent (send returns
 * once the broker has it on disk), grouped by record so one record's events are consumed one after
 * another, in order; consent and blanking changes with a higher JMS priority, so they overtake a
 * backlog of profile updates ({@link ChangeEvent#priority()}).
 */
@ApplicationScoped
public class SyncQueue {

    private static final Logger LOG = Logger.getLogger(SyncQueue.class.getName());

    /**
     * The intake's connection factory (server-config/messaging.cli): a plain factory, not the
     * resource adapter's pool ({@link IntakeContexts} keeps the sessions); it does not wait on
     * failover, so a send to an unreachable broker fails in seconds and the webhook is answered
     * 503.
     */
    @Resource(lookup = "java:/jms/spotbridge-intake")
    ConnectionFactory factory;

    /** The broker's user for the intake's connections; none on the embedded broker. */
    @Inject
    @ConfigProperty(name = "spotbridge.broker.user")
    Optional<String> user;

    @Inject
    @ConfigProperty(name = "spotbridge.broker.password")
    Optional<String> password;

    /** Sessions kept open for the next webhooks; more are opened while more arrive at once. */
    @Inject
    @ConfigProperty(name = "spotbridge.intake.max-idle-sessions", defaultValue = "64")
    int maxIdle;

    private volatile IntakeContexts contexts;

    @Resource(lookup = Queues.SYNC)
    Queue queue;

    /** Lists and jobs ({@link ChangeEvent#isWork()}) go on their own queue. */
    @Resource(lookup = Queues.JOBS)
    Queue jobs;

    @Inject Coalescing coalescing;

    /** A failure within this time is a dead connection, not a broker that does not answer. */
    private static final long STALE_FAILURE_NANOS = 1_000_000_000L;

    /** Enough for the sessions a failure leaves to be found broken one by one. */
    private static final int MAX_ATTEMPTS = 25;

    /** The webhook is answered well within Dataverse's 60 s timeout, retries or not. */
    private static final long MAX_RETRY_NANOS = 15_000_000_000L;

    @PostConstruct
    void open() {
        contexts = new IntakeContexts(factory, user, password, maxIdle);
    }

    @PreDestroy
    void close() {
        IntakeContexts c = contexts;
        if (c != null) {
            c.close();
        }
    }

    /**
     * Sends on a session of the intake's pool. Sessions opened before a broker outage fail on their
     * first use after it ("connection failure detected", "channel disconnected", "session is
     * closed"; usually at once, under load after a second or two) and are closed with every idle
     * one of their time, and one in use while that happens can break inside the broker's client
     * ({@link #raisedByBrokerClient}); such a failure is tried again on another connection, so the
     * webhooks after a recovery are not refused (at most 25 attempts within 15 s). Any other send
     * that failed slowly (the broker did not answer within the call timeout) is not repeated: the
     * webhook is answered 503 at once. The callers are not in a transaction; a duplicate from an
     * attempt that reached the broker but lost its answer is skipped by the consumer (same event
     * key).
     */
    public void send(ChangeEvent event) {
        long begin = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            long start = System.nanoTime();
            try {
                sendOnce(event);
                break;
            } catch (JMSRuntimeException failed) {
                long now = System.nanoTime();
                boolean stale = now - start < STALE_FAILURE_NANOS || deadConnection(failed);
                if (!stale || attempt >= MAX_ATTEMPTS || now - begin > MAX_RETRY_NANOS) {
                    throw failed;
                }
                LOG.log(
                        Level.INFO,
                        "send to the sync queue failed on a dead or unreachable connection (attempt {0}), trying another"
                                + " connection: {1}",
                        new Object[] {attempt, failed.toString()});
            }
        }
        coalescing.queued(event);
    }

    /**
     * A failure that says the connection itself is gone (disconnected, closed), however long the
     * client took to notice: under load that can take more than a second.
     */
    static boolean deadConnection(Throwable failure) {
        if (failure instanceof BrokenConnection) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getSimpleName();
            String message = String.valueOf(t.getMessage());
            if (type.equals("ActiveMQNotConnectedException")
                    || type.equals("ActiveMQObjectClosedException")
                    || type.equals("ActiveMQDisconnectedException")
                    || message.contains("AMQ219006")
                    || message.contains("AMQ219016")
                    || message.contains("Connection failure detected")
                    || message.contains("AMQ219019")
                    || message.contains("Channel disconnected")
                    || message.contains("is closed")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A failure Artemis raised from inside itself, not as a JMS exception: while a broker
     * connection fails, a session in use at that moment can lose its connection under the caller
     * (the resource adapter, which the intake used before, once threw a NullPointerException from
     * {@code ActiveMQRASession.closeSession}). That is a broken connection too, tried again on
     * another one and, if it persists, answered 503 like any broker failure, not 500.
     */
    static boolean raisedByBrokerClient(RuntimeException failure) {
        if (failure instanceof JMSRuntimeException) {
            return false;
        }
        StackTraceElement[] stack = failure.getStackTrace();
        return stack.length > 0
                && stack[0].getClassName().startsWith("org.apache.activemq.artemis.");
    }

    /** See {@link #raisedByBrokerClient}. */
    static final class BrokenConnection extends JMSRuntimeException {
        BrokenConnection(RuntimeException cause) {
            super("the broker connection broke while in use: " + cause, null, cause);
        }
    }

    private void sendOnce(ChangeEvent event) {
        IntakeContexts.Pooled session;
        try {
            session = contexts.take();
        } catch (RuntimeException e) {
            throw brokenIfRaisedByClient(e);
        }
        try {
            sendOn(session, event);
        } catch (RuntimeException e) {
            RuntimeException failure = brokenIfRaisedByClient(e);
            contexts.discard(session, deadConnection(failure));
            throw failure;
        }
        contexts.release(session);
    }

    private static RuntimeException brokenIfRaisedByClient(RuntimeException e) {
        return raisedByBrokerClient(e) ? new BrokenConnection(e) : e;
    }

    private void sendOn(IntakeContexts.Pooled session, ChangeEvent event) {
        try {
            TextMessage message = session.context.createTextMessage(event.toJson());
            for (Map.Entry<String, String> p : event.messageProperties().entrySet()) {
                message.setStringProperty(p.getKey(), p.getValue());
            }
            // the webhook's trace goes on with the change (W3C trace context)
            String traceparent = dev.spotbridge.tracing.Tracing.traceparent();
            if (traceparent != null) {
                message.setStringProperty(dev.spotbridge.tracing.Tracing.TRACEPARENT, traceparent);
            }
            session.producer
                    .setDeliveryMode(DeliveryMode.PERSISTENT)
                    .setPriority(event.priority())
                    .send(event.isWork() ? jobs : queue, message);
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }
}
