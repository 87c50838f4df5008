package dev.spotbridge.sync;

import dev.spotbridge.queue.BatchThreads;
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
 * Drains the sync queue in batches ({@link SyncBatch}): spotbridge.sync.consumers threads of this
 * node (default 4), each taking what the queue holds (up to spotbridge.sync.batch-size changes),
 * applying it and committing. Stopped with the deployment; a batch in progress finishes first.
 */
@Singleton
@Startup
@DependsOn("Migrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class SyncDrain {

    private static final Logger LOG = Logger.getLogger(SyncDrain.class.getName());

    @Resource ManagedThreadFactory threadFactory;

    @Inject SyncBatch batch;

    @Inject
    @ConfigProperty(name = "spotbridge.sync.consumers", defaultValue = "4")
    int consumers;

    private BatchThreads threads;

    @PostConstruct
    void start() {
        threads = new BatchThreads("sync", () -> batch.takeAndApply(1000).pauseMillis(), LOG);
        threads.start(threadFactory, consumers);
    }

    @PreDestroy
    void stop() {
        threads.stop();
    }
}
