package dev.spotbridge.sync;

import dev.spotbridge.queue.BatchThreads;
import dev.spotbridge.queue.SyncBacklog;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Drains the sync queue in batches ({@link SyncBatch}): spotbridge.sync.consumers core threads of
 * this node (default 2), each taking what the queue holds (up to spotbridge.sync.batch-size
 * changes), applying it and committing. When every core thread waits on Spotler with a batch that
 * was not full — no backlog, but answers that take their time, as over the internet —
 * spotbridge.sync.helpers more threads (default 2) take batches too, so changes do not queue behind
 * those calls; under a backlog they stay out, so its batches stay full. Stopped with the
 * deployment; a batch in progress finishes first.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SyncDrain {

    private static final Logger LOG = Logger.getLogger(SyncDrain.class.getName());

    @Resource ManagedThreadFactory threadFactory;

    @Inject SyncBatch batch;

    @Inject SyncBacklog backlog;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.consumers", defaultValue = "2")
    int consumers;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.helpers", defaultValue = "2")
    int helpers;

    /** How long a helper waits for a change, and pauses while it is not wanted. */
    static final long HELPER_MILLIS = 5;

    private BatchThreads threads;

    private BatchThreads helperThreads;

    @PostConstruct
    void start() {
        threads = new BatchThreads("sync", () -> batch.takeAndApply(1000).pauseMillis(), LOG);
        threads.start(threadFactory, consumers);
        if (helpers > 0) {
            helperThreads = new BatchThreads("sync-helper", this::help, LOG);
            helperThreads.start(threadFactory, helpers);
        }
    }

    /** A helper's turn: a batch while every core thread waits on Spotler without a backlog. */
    private long help() {
        if (!backlog.helpWanted(consumers)) {
            return HELPER_MILLIS;
        }
        SyncBatch.Taken taken = batch.takeAndApply(HELPER_MILLIS);
        return taken.changes() == 0 ? HELPER_MILLIS : taken.pauseMillis();
    }

    @PreDestroy
    void stop() {
        if (helperThreads != null) {
            helperThreads.stop();
        }
        threads.stop();
    }
}
