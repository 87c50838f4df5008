package dev.spotbridge.queue;

import jakarta.enterprise.concurrent.ManagedThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Threads that take a queue's messages in batches, each batch a transaction of its own, until
 * stopped. A batch that failed was rolled back (the broker redelivers its messages with back-off);
 * the thread then pauses before the next one, from 0.5 s doubling to 10 s while failures go on.
 * After a batch a request limit put off, it pauses for the limit's wait.
 */
public final class BatchThreads {

    private final Logger log;

    private final String name;

    private final LongSupplier batch;

    private final List<Thread> threads = new ArrayList<>();

    private volatile boolean running;

    /**
     * @param batch takes and does one batch; returns how long to pause before the next (0: none)
     */
    public BatchThreads(String name, LongSupplier batch, Logger log) {
        this.name = name;
        this.batch = batch;
        this.log = log;
    }

    public void start(ManagedThreadFactory factory, int count) {
        running = true;
        for (int i = 0; i < Math.max(1, count); i++) {
            Thread thread = factory.newThread(this::run);
            thread.setName("spotbridge-" + name + "-" + (i + 1));
            threads.add(thread);
            thread.start();
        }
    }

    /** Lets each thread finish its batch (waiting up to 15 s for each). */
    public void stop() {
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
                long wait = batch.getAsLong();
                pause = 0;
                sleep(wait);
            } catch (Exception e) {
                // any failure, a failed commit included (the broker gone mid-batch): the batch was
                // rolled back, and this thread goes on
                pause = Math.min(Math.max(2 * pause, 500), 10_000);
                long wait = pause;
                log.warning(
                        () ->
                                name
                                        + " batch failed, rolled back for redelivery (next batch in "
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
