package dev.spotbridge.admin;

import dev.spotbridge.backsync.Watermarks;
import dev.spotbridge.sync.SyncConsumer;
import dev.spotbridge.sync.SyncQueue;
import dev.spotbridge.sync.SyncRecords;
import dev.spotbridge.sync.WritebackQueue;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Enumeration;

/**
 * GET /api/overview: records per sync status, messages waiting on the sync, write-back and
 * dead-letter queues (counted by browsing, capped), and how far each back-sync feed has been read.
 */
@RequestScoped
@Path("overview")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {

    /** Browsing stops here; the answer then says "at least". */
    static final int COUNT_CAP = 10_000;

    @Inject SyncRecords records;

    @Inject Watermarks watermarks;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = SyncQueue.QUEUE)
    Queue sync;

    @Resource(lookup = WritebackQueue.QUEUE)
    Queue writeback;

    @Resource(lookup = SyncConsumer.DEAD_LETTER_QUEUE)
    Queue deadLetters;

    @GET
    public JsonObject overview() {
        JsonObjectBuilder statuses = Json.createObjectBuilder();
        records.countsByStatus().forEach((status, n) -> statuses.add(status.name(), n));
        JsonObjectBuilder feeds = Json.createObjectBuilder();
        watermarks.positions().forEach((feed, at) -> feeds.add(feed, at.toString()));
        return Json.createObjectBuilder()
                .add("statuses", statuses)
                .add(
                        "queues",
                        Json.createObjectBuilder()
                                .add("sync", depth(sync))
                                .add("writeback", depth(writeback))
                                .add("deadLetters", depth(deadLetters)))
                .add("backsyncWatermarks", feeds)
                .build();
    }

    private JsonObject depth(Queue queue) {
        int n = 0;
        try (JMSContext context = connectionFactory.createContext();
                QueueBrowser browser = context.createBrowser(queue)) {
            Enumeration<?> messages = browser.getEnumeration();
            while (n < COUNT_CAP && messages.hasMoreElements()) {
                messages.nextElement();
                n++;
            }
        } catch (jakarta.jms.JMSException e) {
            throw new jakarta.jms.JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
        return Json.createObjectBuilder().add("messages", n).add("capped", n >= COUNT_CAP).build();
    }
}
