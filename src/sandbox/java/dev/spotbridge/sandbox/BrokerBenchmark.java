package dev.spotbridge.sandbox;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.json.JsonObject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * POST /sandbox/broker/benchmark?messages=&threads=: the raw limit of this server's broker —
 * persistent messages of the size of a change event sent and received on the spotbridge-bench queue
 * by as many producers and consumers, the same way the intake sends (one send per call, durable).
 * The benchmark command (src/bench) compares the webhook intake with it. Part of the sandbox
 * application, so never deployed in production, where it would load the broker.
 */
@RequestScoped
@Path("broker/benchmark")
@Produces(MediaType.APPLICATION_JSON)
public class BrokerBenchmark {

    static final String QUEUE = "java:/jms/queue/spotbridge-bench";

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = QUEUE)
    Queue queue;

    @POST
    public JsonObject run(
            @QueryParam("messages") Integer messages, @QueryParam("threads") Integer threads)
            throws Exception {
        int n = messages == null ? 20_000 : messages;
        int t = threads == null ? 8 : threads;
        if (n < 1 || n > 1_000_000 || t < 1 || t > 64) {
            throw new BadRequestException("messages 1..1000000, threads 1..64");
        }
        String body = "x".repeat(1200); // about the size of a change event's JSON
        AtomicInteger toSend = new AtomicInteger(n);
        AtomicInteger toReceive = new AtomicInteger(n);
        ExecutorService pool = Executors.newFixedThreadPool(2 * t);
        try {
            long start = System.nanoTime();
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                work.add(
                        pool.submit(
                                () -> {
                                    try (JMSContext context = connectionFactory.createContext()) {
                                        var producer =
                                                context.createProducer()
                                                        .setDeliveryMode(DeliveryMode.PERSISTENT);
                                        while (toSend.getAndDecrement() > 0) {
                                            producer.send(queue, body);
                                        }
                                    }
                                    return null;
                                }));
                work.add(
                        pool.submit(
                                () -> {
                                    try (JMSContext context = connectionFactory.createContext();
                                            JMSConsumer consumer = context.createConsumer(queue)) {
                                        while (toReceive.get() > 0) {
                                            if (consumer.receive(1000) != null) {
                                                toReceive.decrementAndGet();
                                            }
                                        }
                                    }
                                    return null;
                                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return Json.createObjectBuilder()
                    .add("messages", n)
                    .add("threads", t)
                    .add("seconds", seconds)
                    .add("perSecond", n / seconds)
                    .build();
        } finally {
            pool.shutdownNow();
        }
    }
}
