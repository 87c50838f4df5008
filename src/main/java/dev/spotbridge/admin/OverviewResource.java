package dev.spotbridge.admin;

import dev.spotbridge.backsync.RunLocks;
import dev.spotbridge.backsync.ScheduledRuns;
import dev.spotbridge.backsync.Watermarks;
import dev.spotbridge.dataverse.DataverseGateway;
import dev.spotbridge.json.Json;
import dev.spotbridge.metrics.SyncMetrics;
import dev.spotbridge.privacy.RetentionSchedule;
import dev.spotbridge.queue.Queues;
import dev.spotbridge.records.SyncRecords;
import dev.spotbridge.spotler.SpotlerGateway;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Queue;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * GET /api/overview: records per sync status; messages waiting and consumers on the sync, jobs,
 * write-back and dead-letter queues (the sync and write-back queues' consumers are open while a
 * batch is taken, so their count moves) (from the broker's management; counted by browsing, capped,
 * when that is not in this JVM); the circuit-breaker state of the Spotler and Dataverse gateways;
 * the last back-sync, reconcile and retention runs with their outcome, and when each fires next on
 * this node (nextRuns; a job whose schedule is off is absent); and how far each back-sync feed has
 * been read.
 */
@RequestScoped
@Path("overview")
@AdminOnly
@Produces(MediaType.APPLICATION_JSON)
public class OverviewResource {

    @Inject SyncRecords records;

    @Inject Watermarks watermarks;

    @Inject RunLocks locks;

    @Inject SyncMetrics metrics;

    @Inject BrokerQueues broker;

    @Inject ScheduledRuns schedules;

    @Inject RetentionSchedule retention;

    @Resource(lookup = "java:/ConnectionFactory")
    ConnectionFactory connectionFactory;

    @Resource(lookup = Queues.SYNC)
    Queue sync;

    @Resource(lookup = Queues.JOBS)
    Queue jobs;

    @Resource(lookup = Queues.WRITEBACK)
    Queue writeback;

    @Resource(lookup = Queues.DEAD_LETTERS)
    Queue deadLetters;

    @GET
    public JsonObject overview() {
        JsonObjectBuilder statuses = Json.createObjectBuilder();
        records.countsByStatus().forEach((status, n) -> statuses.add(status.name(), n));
        JsonObjectBuilder feeds = Json.createObjectBuilder();
        watermarks.positions().forEach((feed, at) -> feeds.add(feed, at.toString()));
        JsonObjectBuilder runs = Json.createObjectBuilder();
        for (RunLocks.LastRun run : locks.lastRuns()) {
            JsonObjectBuilder last =
                    Json.createObjectBuilder()
                            .add("outcome", run.outcome())
                            .add("node", String.valueOf(run.node()))
                            .add("startedAt", String.valueOf(run.startedAt()))
                            .add("finishedAt", String.valueOf(run.finishedAt()));
            if (run.detail() != null) {
                last.add("detail", run.detail());
            }
            runs.add(run.job(), last);
        }
        JsonObjectBuilder running = Json.createObjectBuilder();
        for (RunLocks.Running run : locks.running()) {
            running.add(
                    run.job(),
                    Json.createObjectBuilder()
                            .add("node", run.node())
                            .add("leaseUntil", run.leaseUntil().toString())
                            .add("lapsed", run.lapsed()));
        }
        JsonObjectBuilder next = Json.createObjectBuilder();
        schedules.nextRuns().forEach((job, at) -> next.add(job, at.toString()));
        retention.nextRuns().forEach((job, at) -> next.add(job, at.toString()));
        return Json.createObjectBuilder()
                .add("statuses", statuses)
                .add(
                        "queues",
                        Json.createObjectBuilder()
                                .add("sync", broker.depth(sync))
                                .add("jobs", broker.depth(jobs))
                                .add("writeback", broker.depth(writeback))
                                .add("deadLetters", broker.depth(deadLetters)))
                .add(
                        "circuits",
                        Json.createObjectBuilder()
                                .add("spotler", circuit(SpotlerGateway.class))
                                .add("dataverse", circuit(DataverseGateway.class)))
                .add("lastRuns", runs)
                .add("runningRuns", running)
                .add("nextRuns", next)
                .add("backsyncWatermarks", feeds)
                .build();
    }

    /** A gateway's breakers: the overall state and each guarded call's. */
    private JsonObject circuit(Class<?> gateway) {
        Map<String, String> states = metrics.circuitStates(gateway);
        JsonObjectBuilder methods = Json.createObjectBuilder();
        states.forEach(methods::add);
        return Json.createObjectBuilder()
                .add("state", SyncMetrics.overall(states))
                .add("calls", methods)
                .build();
    }
}
