package dev.spotbridge.writeback;

import dev.spotbridge.queue.Redelivery;
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
import java.util.ArrayList;
import java.util.List;
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

    private volatile boolean running;

    private final List<Thread> threads = new ArrayList<>();

    @PostConstruct
    void start() {
        running = true;
        for (int i = 0; i < Math.max(1, consumers); i++) {
            Thread thread = threadFactory.newThread(this::run);
            thread.setName("spotbridge-writeback-" + (i + 1));
            threads.add(thread);
            thread.start();
        }
    }

    @PreDestroy
    void stop() {
        running = false;
        for (Thread thread : threads) {
            try {
                thread.join(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        long pause = 0;
        while (running) {
            try {
                WritebackBatch.Taken taken = batch.takeAndWrite(1000);
                pause = 0;
                // a request limit had no room: the batch went back on the queue for its wait
                sleep(taken.pauseMillis());
            } catch (Exception e) {
                // any failure, a failed commit included (the broker gone mid-batch): the batch was
                // rolled back, and this thread goes on
                pause = Math.min(Math.max(2 * pause, 500), 10_000);
                long wait = pause;
                LOG.warning(
                        () ->
                                "write-back batch failed, rolled back for redelivery (next batch in "
                                        + wait
                                        + " ms): "
                                        + Redelivery.describe(e));
                sleep(pause);
            }
        }
    }

    private void sleep(long millis) {
        long end = System.currentTimeMillis() + millis;
        while (running && System.currentTimeMillis() < end) {
            try {
                Thread.sleep(Math.min(200, end - System.currentTimeMillis() + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
