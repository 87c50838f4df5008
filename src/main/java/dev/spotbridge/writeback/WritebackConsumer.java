package dev.spotbridge.writeback;

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
 * Consumes the write-back queue in batches ({@link WritebackBatch}): spotbridge.writeback.consumers
 * threads of this node (default 1), each taking a batch, writing it to Dataverse in one $batch and
 * committing. A batch that failed is rolled back (the broker redelivers it with back-off) and the
 * thread pauses before the next one, from 0.5 s doubling to 10 s while failures go on; after a
 * batch a request limit put off, it pauses for the limit's wait. While this node works off a
 * backlog towards Spotler (the sync drain's, or a backfill's or list sync's), the write-back gives
 * way to it ({@link WritebackYield}, at most spotbridge.writeback.yield-seconds at a time). Stopped
 * with the deployment.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class WritebackConsumer {

    private static final Logger LOG = Logger.getLogger(WritebackConsumer.class.getName());

    @Resource ManagedThreadFactory threadFactory;

    @Inject WritebackBatch batch;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.consumers", defaultValue = "1")
    int consumers;

    @Inject SyncBacklog backlog;

    @Inject
    @ConfigProperty(name = "spotbridge.writeback.yield-seconds", defaultValue = "60")
    long yieldSeconds;

    private BatchThreads threads;

    private WritebackYield yield;

    @PostConstruct
    void start() {
        yield = new WritebackYield(yieldSeconds, System::nanoTime);
        threads = new BatchThreads("writeback", this::next, LOG);
        threads.start(threadFactory, consumers);
    }

    /** One batch, or a pause while the sync drain has the CPU. */
    private long next() {
        long pause = yield.pauseMillis(backlog.draining());
        if (pause > 0) {
            return pause;
        }
        WritebackBatch.Taken taken = batch.takeAndWrite(1000);
        yield.wrote(taken.requests() >= batch.batchSize());
        return taken.pauseMillis();
    }

    @PreDestroy
    void stop() {
        threads.stop();
    }
}
