package dev.spotbridge.sync;

import dev.spotbridge.http.Outage;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.queue.ChangeEvent;
import dev.spotbridge.queue.LogContext;
import dev.spotbridge.queue.Outcome;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.queue.Redelivery;
import dev.spotbridge.queue.SyncBacklog;
import dev.spotbridge.tracing.ChangeTraces;
import dev.spotbridge.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Message;
import jakarta.jms.Queue;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One batch of the sync queue, in one transaction: what the queue holds right now, up to
 * spotbridge.sync.batch-size changes (default 100), gathered for at most spotbridge.sync.linger-ms
 * after the first — a lone change is a batch of one and goes out at once, a backlog goes out 100
 * records per Spotler call. The consumer stays open until the commit, so every change of a record
 * the batch holds waits for it (message groups), and the records are locked: per-record order holds
 * across threads and nodes.
 *
 * <p>{@link ContactSync#applyBatch} does the work in a transaction of its own, with the idempotency
 * ledger, so a batch redelivered after a crash between the Spotler call and the commit has no
 * second effect. What becomes of what fails:
 *
 * <ul>
 *   <li>Spotler refused some contacts of the batch's write: the batch is done again without them
 *       (Spotler's writes are idempotent), and their changes are tried one by one — a refusal for
 *       good makes the record Failed and dead-letters its change at once, a transient one sends the
 *       change back to the queue with back-off, counted as an attempt, and dead-letters it after
 *       spotbridge.sync.max-delivery-attempts. The other records of the batch are not held up.
 *   <li>A request limit had no room: every change of the batch goes back on the queue for the
 *       limit's wait, no attempt counted.
 *   <li>Spotler or Dataverse is down (5xx, no answer in time, its circuit open): every change of
 *       the batch goes back on the queue for spotbridge.sync.outage-retry-ms, no attempt counted,
 *       and the thread waits as long before its next batch — so an outage of any length (up to
 *       spotbridge.sync.outage-hold-hours after a change came in) loses nothing and dead-letters
 *       nothing, and the backlog drains at full speed when the service is back.
 *   <li>Anything else (the database, say): each change's failed attempt is recorded, the
 *       transaction rolls back and the broker redelivers the batch's messages with back-off.
 * </ul>
 *
 * A message that is not a change event is dead-lettered at once; a list or job event (which belongs
 * on the jobs queue since Spotbridge has one) is moved there.
 */
@ApplicationScoped
public class SyncBatch {

    private static final Logger LOG = Logger.getLogger(SyncBatch.class.getName());

    @Inject JMSContext context;

    @Resource(lookup = Queues.SYNC)
    Queue queue;

    @Resource(lookup = Queues.JOBS)
    Queue jobs;

    @Inject ContactSync sync;

    @Inject SyncFailures failures;

    @Inject Redelivery redelivery;

    @Inject Tracing tracing;

    @Inject SyncMetrics metrics;

    @Inject SyncBacklog backlog;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.batch-size", defaultValue = "100")
    int batchSize;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.max-delivery-attempts", defaultValue = "8")
    int maxAttempts;

    /**
     * How long a batch waits for more changes after its first (the broker hands a backlog over in
     * bursts); after that, a change still joins only when it is at hand within a millisecond. A
     * lone change goes out after this.
     */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.linger-ms", defaultValue = "10")
    long lingerMillis;

    /**
     * How long the changes of a batch that met an outage wait before they are tried again, and the
     * drain's threads before they take the next batch.
     */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.outage-retry-ms", defaultValue = "1000")
    long outageRetryMillis;

    /** A change older than this no longer waits out an outage: its attempts count again. */
    @Inject
    @ConfigProperty(name = "spotbridge.sync.outage-hold-hours", defaultValue = "24")
    long outageHoldHours;

    /** What one call took from the queue, and how long the thread waits before the next. */
    public record Taken(int changes, long pauseMillis) {}

    /**
     * Takes what the queue holds (waiting up to waitMillis for the first change) and applies it.
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Taken takeAndApply(long waitMillis) {
        try (JMSConsumer consumer = context.createConsumer(queue)) {
            Message first = consumer.receive(waitMillis);
            if (first == null) {
                return new Taken(0, 0);
            }
            int size = Math.max(1, Math.min(batchSize, 1000));
            List<Received> changes = new ArrayList<>();
            int taken = 0;
            long deadline = System.nanoTime() + lingerMillis * 1_000_000L;
            for (Message message = first; message != null; ) {
                taken++;
                accept(message, changes);
                // what the broker has not handed over yet comes within the linger, counted from the
                // first change, so a steady trickle cannot keep a batch open; after it, only what
                // is at hand (a backlog) still joins
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
                message = taken < size ? consumer.receive(left) : null;
            }
            backlog.batchTaken(taken == size);
            backlog.applying(true);
            try {
                return new Taken(taken, apply(changes));
            } finally {
                backlog.applying(false);
            }
        }
    }

    /** A change goes into the batch; anything else is moved on at once. */
    private void accept(Message message, List<Received> changes) {
        Received received;
        try {
            received = Received.of(message);
        } catch (IllegalArgumentException unreadable) {
            redelivery.deadLetterUnreadable(message, Queues.SYNC_ADDRESS, unreadable);
            metrics.deadLettered("unreadable");
            return;
        }
        if (received.event().isWork()) {
            // queued before the jobs queue existed
            redelivery.moveTo(message, jobs, received.properties());
            return;
        }
        changes.add(received);
    }

    /**
     * Applies the changes: as one batch, or — the records Spotler refused in it — one by one.
     *
     * @return how long the thread should wait before the next batch (a request limit's wait)
     */
    private long apply(List<Received> changes) {
        Set<String> alone = new LinkedHashSet<>();
        Map<String, String> refused = new LinkedHashMap<>();
        while (true) {
            List<Received> together =
                    changes.stream().filter(r -> !alone.contains(r.event().recordId())).toList();
            List<Outcome> outcomes;
            try {
                outcomes = together.isEmpty() ? List.of() : traced(together);
            } catch (ItemsFailed failedItems) {
                LOG.info(
                        () ->
                                failedItems.getMessage()
                                        + "; the batch is done again without them, and they one by"
                                        + " one");
                alone.addAll(failedItems.all().keySet());
                refused.putAll(failedItems.refused());
                continue;
            } catch (RuntimeException e) {
                return failed(changes, e);
            }
            for (int i = 0; i < together.size(); i++) {
                done(together.get(i), outcomes.get(i));
            }
            break;
        }
        Map<String, List<Received>> byRecord = new LinkedHashMap<>();
        changes.stream()
                .filter(r -> alone.contains(r.event().recordId()))
                .forEach(
                        r ->
                                byRecord.computeIfAbsent(
                                                r.event().recordId(), k -> new ArrayList<>())
                                        .add(r));
        byRecord.forEach(
                (recordId, ofRecord) -> {
                    String reason = refused.get(recordId);
                    if (reason == null) {
                        oneByOne(ofRecord);
                    } else {
                        // refused for good: no second call; each change of the merged write fails
                        ofRecord.forEach(
                                r -> done(r, sync.refusedInOwnTransaction(r.event(), reason)));
                    }
                });
        return 0;
    }

    /**
     * The batch's work as a span of the first change's trace, linked to the others'; each change's
     * wait on the queue a span of its own trace, and its trace bound to it while the work runs (its
     * history and log lines name it).
     */
    private List<Outcome> traced(List<Received> together) {
        List<Context> parents = new ArrayList<>(together.size());
        for (Received r : together) {
            Context parent = Tracing.parent(r.traceparent());
            parents.add(parent);
            tracing.queueWait(parent, "spotbridge-sync", r.enqueuedAt());
            ChangeTraces.bind(r.event().key(), parent);
        }
        Span span = tracing.batch("sync batch", parents);
        try (Scope scope = span.makeCurrent()) {
            return sync.applyBatch(together.stream().map(Received::event).toList());
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, Redelivery.describe(e));
            throw e;
        } finally {
            span.end();
            together.forEach(r -> ChangeTraces.unbind(r.event().key()));
        }
    }

    /** One change done on its own: a span of its own trace. */
    private Outcome tracedAlone(Received r) {
        Context parent = Tracing.parent(r.traceparent());
        ChangeTraces.bind(r.event().key(), parent);
        Span span = tracing.child("sync " + r.event().message() + " " + r.event().entity(), parent);
        try (Scope scope = span.makeCurrent()) {
            return sync.applyInOwnTransaction(r.event());
        } catch (RuntimeException e) {
            span.setStatus(StatusCode.ERROR, Redelivery.describe(e));
            throw e;
        } finally {
            span.end();
            ChangeTraces.unbind(r.event().key());
        }
    }

    /**
     * The changes of one record, in order, each in a transaction of its own. When one fails, it and
     * the record's changes after it go back to the queue, in order.
     */
    private void oneByOne(List<Received> changes) {
        long sentBackAfter = -1;
        for (Received r : changes) {
            if (sentBackAfter >= 0) {
                // follows a change that was sent back: after it, not counted as an attempt
                sentBackAfter++;
                redelivery.sendBack(
                        r.message(), queue, r.attempt() - 1, sentBackAfter, r.properties());
                continue;
            }
            try {
                done(r, tracedAlone(r));
            } catch (RuntimeException e) {
                OptionalLong wait = redelivery.putOffDelay(e, r.putOffs());
                if (wait.isPresent()) {
                    redelivery.putOff(
                            r.message(), queue, wait.getAsLong(), r.putOffs() + 1, r.properties());
                    metrics.processed("throttled");
                    sentBackAfter = wait.getAsLong();
                    continue;
                }
                metrics.processed("failed");
                failures.attemptFailed(r.event(), r.attempt(), e);
                if (r.attempt() < maxAttempts) {
                    // the last attempt's line is the dead letter's
                    attemptFailed(r, e);
                }
                if (r.attempt() >= maxAttempts) {
                    redelivery.deadLetter(
                            r.message(),
                            Queues.SYNC_ADDRESS,
                            "failed " + r.attempt() + " attempts: " + Redelivery.describe(e),
                            r.properties());
                } else {
                    sentBackAfter = Redelivery.backOff(r.attempt());
                    redelivery.sendBack(
                            r.message(), queue, r.attempt(), sentBackAfter, r.properties());
                }
            }
        }
    }

    /**
     * The whole batch failed: put off when a request limit had no room (the thread then waits as
     * long), else every change's attempt recorded and the failure rethrown for the broker's
     * redelivery.
     */
    private long failed(List<Received> changes, RuntimeException e) {
        int putOffs = changes.stream().mapToInt(Received::putOffs).max().orElse(0);
        OptionalLong wait = redelivery.putOffDelay(e, putOffs);
        if (wait.isPresent()) {
            long delay = wait.getAsLong();
            changes.forEach(
                    r -> redelivery.putOff(r.message(), queue, delay, putOffs + 1, r.properties()));
            changes.forEach(r -> metrics.processed("throttled"));
            LOG.info(
                    () ->
                            changes.size()
                                    + " changes put off for "
                                    + delay
                                    + " ms by a request limit: "
                                    + Redelivery.describe(e));
            return delay;
        }
        if (Outage.in(e)) {
            long at = System.currentTimeMillis();
            if (changes.stream()
                    .allMatch(r -> Outage.waitsOut(r.enqueuedAt(), at, outageHoldHours))) {
                // not the changes' fault: they wait on the queue, no attempt counted, and this
                // thread waits too (while Spotler is down the drain takes a batch now and then)
                long now = System.currentTimeMillis();
                for (Received r : changes) {
                    redelivery.putOff(
                            r.message(),
                            queue,
                            outageRetryMillis,
                            r.putOffs(),
                            r.held(r.heldSince() > 0 ? r.heldSince() : now));
                    metrics.processed("held");
                    if (r.heldSince() == 0) {
                        // once per change, not at every try while the outage lasts
                        failures.held(r.event(), e, outageRetryMillis);
                        logFor(
                                r,
                                "met an outage and waits on the queue (tried again in "
                                        + outageRetryMillis
                                        + " ms, not counted as an attempt): "
                                        + Redelivery.describe(e));
                    }
                }
                return outageRetryMillis;
            }
        }
        for (Received r : changes) {
            metrics.processed("failed");
            failures.attemptFailed(r.event(), r.attempt(), e);
            attemptFailed(r, e);
        }
        throw e;
    }

    /**
     * One line for a failed attempt: a warning while the broker tries again (when), an error at the
     * last attempt (the change goes to the dead-letter queue: a person must act).
     */
    private void attemptFailed(Received r, RuntimeException e) {
        if (r.attempt() >= maxAttempts) {
            logFor(
                    r,
                    Level.SEVERE,
                    "attempt "
                            + r.attempt()
                            + " of "
                            + maxAttempts
                            + " failed, the change goes to the dead-letter queue (replay it once the"
                            + " cause is fixed): "
                            + Redelivery.describe(e));
        } else {
            logFor(
                    r,
                    Level.WARNING,
                    "attempt "
                            + r.attempt()
                            + " of "
                            + maxAttempts
                            + " failed, tried again in "
                            + Redelivery.backOff(r.attempt()) / 1000
                            + " s: "
                            + Redelivery.describe(e));
        }
    }

    /** A warning about one change, with its Dataverse ids and record in the log context. */
    private static void logFor(Received r, String what) {
        logFor(r, Level.WARNING, what);
    }

    private static void logFor(Received r, Level level, String what) {
        ChangeEvent event = r.event();
        // the line names the change's trace too
        ChangeTraces.bind(event.key(), Tracing.parent(r.traceparent()));
        try {
            LogContext.of(
                    event,
                    () -> {
                        LOG.log(level, () -> event.message() + " " + event.group() + ": " + what);
                        return null;
                    });
        } finally {
            ChangeTraces.unbind(event.key());
        }
    }

    private void done(Received r, Outcome outcome) {
        metrics.processed(outcome.name().toLowerCase(Locale.ROOT));
        if (outcome == Outcome.WRITTEN) {
            metrics.endToEnd(r.enqueuedAt());
        } else if (outcome == Outcome.REJECTED) {
            redelivery.deadLetter(
                    r.message(),
                    Queues.SYNC_ADDRESS,
                    "refused for good (see the history)",
                    r.properties());
            metrics.deadLettered("refused");
        }
    }
}
