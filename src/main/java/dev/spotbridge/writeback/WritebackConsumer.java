package dev.spotbridge.writeback;

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
 * Consumes the write-back queue in batches ({@link WritebackBatch}): spotbridge.writeback.consumers
 * threads of this node (default 1), each taking a batch, writing it to Dataverse in one $batch and
 * committing. A batch that failed is rolled back (the broker redelivers it with back-off) and the
 * thread pauses before the next one, from 0.5 s doubling to 10 s while failures go on; after a
 * batch a request limit put off, it pauses for the limit's wait. Stopped with the deployment.
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

    private BatchThreads threads;

    @PostConstruct
    void start() {
        threads = new BatchThreads("writeback", () -> batch.takeAndWrite(1000).pauseMillis(), LOG);
        threads.start(threadFactory, consumers);
    }

    @PreDestroy
    void stop() {
        threads.stop();
    }
}
