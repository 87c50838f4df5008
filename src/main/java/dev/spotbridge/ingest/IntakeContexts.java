package dev.spotbridge.ingest;

import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The intake's broker sessions, kept open between webhooks: a context (connection, session and
 * producer) is taken for one send and given back, so a webhook costs one persistent send, not a
 * connection handed out and enlisted by the resource adapter. Measured on two cores: the resource
 * adapter's pool (20 connections) serialised concurrent webhooks, and a webhook's CPU fell by a
 * third without it (docs/benchmarks.md).
 *
 * <p>A context is used by one thread at a time. One that failed, or whose connection reported a
 * failure to its exception listener, is closed instead of given back; a failure that says the
 * connection is gone also closes every idle context opened before it, since a broker outage breaks
 * them all. At most {@code maxIdle} contexts are kept idle; more are opened while more webhooks
 * arrive at once and closed when given back.
 */
final class IntakeContexts implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IntakeContexts.class.getName());

    /** A context and its producer, with the generation it was opened in. */
    static final class Pooled {
        final JMSContext context;
        final JMSProducer producer;
        final long generation;
        volatile boolean broken;

        Pooled(JMSContext context, long generation) {
            this.context = context;
            this.producer = context.createProducer();
            this.generation = generation;
        }
    }

    private final ConnectionFactory factory;
    private final Optional<String> user;
    private final Optional<String> password;
    private final int maxIdle;
    private final ConcurrentLinkedDeque<Pooled> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    /** Raised by a connection failure: contexts of an older generation are not reused. */
    private final AtomicLong generation = new AtomicLong();

    private volatile boolean closed;

    IntakeContexts(
            ConnectionFactory factory,
            Optional<String> user,
            Optional<String> password,
            int maxIdle) {
        this.factory = factory;
        this.user = user.filter(u -> !u.isBlank());
        this.password = password;
        this.maxIdle = maxIdle;
    }

    /** An open context for one send; give it back with {@link #release} or {@link #discard}. */
    Pooled take() {
        long current = generation.get();
        for (Pooled p; (p = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            if (!p.broken && p.generation == current) {
                return p;
            }
            closeQuietly(p);
        }
        JMSContext context =
                user.isPresent()
                        ? factory.createContext(user.get(), password.orElse(""))
                        : factory.createContext();
        try {
            Pooled p = new Pooled(context, current);
            context.setExceptionListener(failure -> p.broken = true);
            return p;
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /** A context whose send succeeded: kept for the next webhook unless enough are idle. */
    void release(Pooled p) {
        if (closed || p.broken || p.generation != generation.get()) {
            closeQuietly(p);
            return;
        }
        if (idleCount.incrementAndGet() > maxIdle) {
            idleCount.decrementAndGet();
            closeQuietly(p);
            return;
        }
        idle.offerFirst(p);
        if (closed) {
            // closed meanwhile: close() may have drained the deque before this one went in
            drain();
        }
    }

    /**
     * A context whose send failed: closed. When the failure says the connection is gone, the idle
     * contexts opened before it are closed too.
     */
    void discard(Pooled p, boolean connectionGone) {
        closeQuietly(p);
        if (connectionGone) {
            generation.incrementAndGet();
            drain();
        }
    }

    private void drain() {
        for (Pooled p; (p = idle.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            closeQuietly(p);
        }
    }

    private static void closeQuietly(Pooled p) {
        try {
            p.context.close();
        } catch (RuntimeException e) {
            // closing a context whose connection is already gone: nothing is lost, it is dropped
            LOG.log(Level.FINE, "closing a broken intake context failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
